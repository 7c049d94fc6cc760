// The path of an evaluation day in the browser, in Catalan (the organiser) and Italian (the participants): the
// organiser sets up an evaluation for 24 professionals → groups of 8 are formed mixing roles → three groups add
// items from their own phones (three browser contexts) and one facilitator types for a table → the plenary
// merges, votes and creates a measure → the report is published → a second edition reviews the first's measure
// and shows what was raised again. Every page passes axe-core at 1280 and 360 px with no sideways scroll.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, logInViaApi, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

describe('evaluation: a day in small groups, then a second edition', () => {
  let server;
  let browser;
  const shots = screenshotDir();

  before(async () => {
    server = await startServer({ TEIXIT_REGISTER_LIMIT: '100' }); // 25 accounts from one address
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // A person in a context of their own (own cookies), signed up in `language`, with get/post/patch helpers.
  async function person(email, name, language, width) {
    const ctx = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 }, reducedMotion: 'reduce' });
    ctx.setDefaultTimeout(60_000);
    const { user, post } = await signUpViaApi(ctx, server.base, { email, name, language });
    const csrf = async () => (await (await ctx.request.get(`${server.base}/api/v1/auth/session`)).json()).csrfToken;
    const get = async (p) => (await ctx.request.get(`${server.base}/api/v1${p}`)).json();
    const patch = async (p, data) => (await ctx.request.patch(`${server.base}/api/v1${p}`, { headers: { 'X-CSRF-Token': await csrf() }, data })).json();
    const page = await ctx.newPage();
    page.on('pageerror', (e) => assert.fail(`page error (${email}): ${e.message}`));
    return { ctx, user, post, get, patch, page };
  }
  const go = async (p, url) => {
    await p.goto(server.base + url);
    await p.getByTestId('page-heading').waitFor();
  };

  it('goes from the groups to the second edition', async () => {
    const olga = await person('olga@example.org', 'Olga', 'ca', 1280);
    const org = await olga.post('/organisations', { name: 'Benestar Social', kind: 'municipality' });
    const emailOf = {};
    for (let i = 0; i < 23; i++) { // 23 people and the organiser: 24 in groups of 8
      const email = `pro${i}@example.org`;
      const ctx = await browser.newContext();
      const { user, post } = await signUpViaApi(ctx, server.base, { email, name: `Professional ${i}`, language: 'it' });
      emailOf[user.id] = email;
      const inv = await olga.post(`/organisations/${org.id}/invitations`, { email, role: i % 6 === 0 ? 'admin' : 'professional' });
      await post(`/me/invitations/${inv.id}/accept`, {});
      await ctx.close();
    }
    // Someone signed in on a phone (Italian, 360 px), in a context of their own.
    async function onPhone(userId) {
      const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 900 }, reducedMotion: 'reduce' });
      ctx.setDefaultTimeout(60_000);
      const { user, get } = await logInViaApi(ctx, server.base, { email: emailOf[userId], password: 'a quiet street in Gràcia' });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => assert.fail(`page error (${emailOf[userId]}): ${e.message}`));
      return { ctx, user, get, page };
    }

    // The organiser sets the evaluation up in the page.
    const op = olga.page;
    await go(op, '/evaluations/new');
    await op.locator('#en-title').fill('Jornada d\'avaluació dels Serveis Socials');
    await op.locator('#en-areas').fill('Atenció a les persones\nCoordinació\nTràmits');
    await op.locator('#en-date').fill('2026-03-11');
    await op.locator('#en-size').fill('8');
    await op.getByTestId('role-admin').check();
    await op.getByTestId('evaluation-create').click();
    await op.getByTestId('edition-phase').waitFor();
    const editionUrl = new URL(op.url()).pathname;
    const edId = editionUrl.split('/').pop();
    await checkPage(op, 'evaluation-edition-new', { shots });
    await op.getByTestId('invite-members').click();
    await op.getByTestId('edition-notice').waitFor();
    await op.getByTestId('form-groups').click();
    await op.getByTestId('groups').waitFor();
    assert.equal(await op.getByTestId('group').count(), 3, 'three groups of eight');
    const groups = (await olga.get(`/evaluation-editions/${edId}/groups`)).items;
    for (const g of groups) {
      assert.equal(g.size, 8);
      const roles = new Set(g.members.map((m) => m.role));
      assert.ok(roles.has('admin') && roles.has('professional'), `group ${g.name} mixes roles`);
    }
    await op.getByTestId('phase-select').selectOption('groups');
    await op.getByTestId('phase-move').click();
    await op.getByText(/Treball en grups/).first().waitFor();
    await checkPage(op, 'evaluation-edition-organiser', { shots });

    // Three people of three groups add items from their phones; one facilitator types for the table.
    // One member of each group (not its facilitator) on their own phone.
    const byGroup = new Map();
    for (const g of groups) {
      const m = g.members.find((x) => x.userId !== g.facilitatorId && emailOf[x.userId]);
      byGroup.set(g.id, await onPhone(m.userId));
    }
    const pros = [...byGroup.values()];
    const texts = ['Massa paperassa per tramitar els ajuts', 'La paperassa dels ajuts ens treu temps', 'Bona coordinació amb les escoles'];
    let n = 0;
    for (const [gid, p] of byGroup) {
      if (n === 3) break;
      await go(p.page, editionUrl);
      await p.page.getByTestId('my-group-link').click();
      await p.page.getByTestId('item-form').waitFor();
      await p.page.getByTestId('item-area').selectOption({ index: n === 2 ? 1 : 2 });
      await p.page.getByTestId(n === 2 ? 'kind-strength' : 'kind-weakness').check();
      await p.page.getByTestId('item-text').fill(texts[n]);
      await p.page.getByTestId('item-add').click();
      await p.page.getByText(texts[n]).waitFor();
      if (n === 0) await checkPage(p.page, 'evaluation-group-phone', { shots });
      n++;
    }
    assert.equal(n, 3, 'three groups had someone on a phone');
    // The facilitator of the first group types for the table (signed in as an Italian speaker, on a phone).
    const fgroup = groups[0];
    const facilitator = await person('fac@example.org', 'Facilitatrice', 'it', 360);
    const facInv = await olga.post(`/organisations/${org.id}/invitations`, { email: 'fac@example.org', role: 'professional' });
    await facilitator.post(`/me/invitations/${facInv.id}/accept`, {});
    await facilitator.post(`/evaluation-editions/${edId}/participants/me`, {});
    const me = (await facilitator.get(`/evaluation-editions/${edId}`)).me;
    await olga.patch(`/evaluation-groups/${me.groupId}`, { facilitatorId: facilitator.user.id });
    await go(facilitator.page, `/evaluation-groups/${me.groupId}`);
    await facilitator.page.getByTestId('facilitator-note').waitFor();
    await facilitator.page.getByTestId('item-text').fill('Falta temps per coordinar-nos entre equips');
    await facilitator.page.getByTestId('kind-weakness').check();
    await facilitator.page.getByTestId('item-add').click();
    await facilitator.page.getByText('Falta temps per coordinar-nos').waitFor();
    await checkPage(facilitator.page, 'evaluation-group-facilitator', { shots });
    assert.ok(fgroup);

    // Plenary: the organiser merges the two paperwork weaknesses (suggested as similar), then votes and measures.
    await olga.patch(`/evaluation-editions/${edId}`, { phase: 'synthesis' });
    await go(op, `${editionUrl}/synthesis`);
    await op.getByTestId('unmerged').waitFor();
    const first = op.getByTestId('unmerged').locator('li.item').filter({ hasText: 'Massa paperassa' });
    await first.getByRole('button').click();
    await op.getByTestId('suggestions').getByRole('button').first().click();
    await op.getByTestId('merge-text').fill('Massa paperassa als ajuts');
    await op.getByTestId('merge').click();
    await op.getByTestId('points').getByText('Massa paperassa als ajuts').waitFor();
    for (const text of ['Bona coordinació', 'Falta temps']) {
      await op.getByTestId('unmerged').locator('li.item').filter({ hasText: text }).locator('input[type=checkbox]').check();
      await op.getByTestId('merge').click();
      await op.getByTestId('points').getByText(text).waitFor();
    }
    await checkPage(op, 'evaluation-synthesis', { shots });
    await olga.patch(`/evaluation-editions/${edId}`, { phase: 'prioritisation' });
    const voter = pros[0];
    await go(voter.page, `${editionUrl}/synthesis`);
    await voter.page.getByTestId('ballot').locator('input[type=checkbox]').first().check();
    await voter.page.getByTestId('vote').click();
    await voter.page.getByTestId('voted').waitFor();
    await checkPage(voter.page, 'evaluation-vote', { shots });
    await olga.patch(`/evaluation-editions/${edId}`, { phase: 'follow_up' });
    await go(op, `${editionUrl}/synthesis`);
    await op.getByTestId('measure-form').getByText('Massa paperassa als ajuts').click();
    await op.getByTestId('measure-title').fill('Un sol formulari per als ajuts');
    await op.getByTestId('measure-team').fill('Equip d\'administració');
    await op.getByTestId('measure-indicator').fill('Minuts per tràmit');
    await op.getByTestId('measure-create').click();
    await op.getByTestId('measures').getByText('Un sol formulari').waitFor();
    // A measure has a page of its own (where search results and notices about it lead).
    const measure = (await olga.get(`/evaluation-editions/${edId}/synthesis`)).measures.find((m) => m.title.startsWith('Un sol formulari'));
    await go(op, `/evaluation-measures/${measure.id}`);
    await op.getByRole('heading', { level: 1, name: 'Un sol formulari per als ajuts' }).waitFor();
    await op.getByTestId('measure-edition').getByRole('link').waitFor();
    await checkPage(op, 'evaluation-measure', { shots });

    // The report is published to everyone; a participant was told.
    await go(op, `${editionUrl}/report`);
    await op.getByTestId('report-public').check();
    await op.getByTestId('publish').click();
    await op.getByTestId('report-draft').waitFor({ state: 'detached' });
    await checkPage(op, 'evaluation-report', { shots });
    const told = await pros[1].get('/notifications');
    assert.ok(JSON.stringify(told).includes(`/evaluation-editions/${edId}/report`), 'participants are told the report is out');

    // The second edition reviews the measure and shows what was raised again.
    await go(op, `/evaluations/${edId.replace(/-\d+$/, '')}`);
    await op.locator('#ne-title').fill('2027');
    await op.getByTestId('edition-start').click();
    await op.getByTestId('edition-phase').waitFor();
    const ed2Url = new URL(op.url()).pathname;
    const ed2 = ed2Url.split('/').pop();
    await op.getByTestId('invite-members').click();
    await op.getByTestId('edition-notice').waitFor();
    await op.getByTestId('form-groups').click();
    await op.getByTestId('groups').waitFor();
    await olga.patch(`/evaluation-editions/${ed2}`, { phase: 'groups' });
    const again = pros[2];
    await go(again.page, ed2Url);
    await again.page.getByTestId('my-group-link').click();
    await again.page.getByTestId('item-area').selectOption({ index: 2 });
    await again.page.getByTestId('kind-weakness').check();
    await again.page.getByTestId('item-text').fill('Encara massa paperassa');
    await again.page.getByTestId('item-add').click();
    await again.page.getByText('Encara massa paperassa').waitFor();
    await olga.patch(`/evaluation-editions/${ed2}`, { phase: 'synthesis' });
    await go(op, `${ed2Url}/synthesis`);
    await op.getByTestId('unmerged').locator('input[type=checkbox]').first().check();
    await op.getByTestId('merge-previous').selectOption({ label: 'Massa paperassa als ajuts' });
    await op.getByTestId('merge').click();
    await op.getByTestId('points').getByText('Encara massa paperassa').waitFor();
    await go(op, `${ed2Url}/report`);
    await op.getByTestId('review-status').selectOption('in_progress');
    await op.getByTestId('review-note').fill('El formulari únic està en prova');
    await op.getByTestId('review-save').click();
    await op.getByTestId('review').getByText('El formulari únic està en prova').waitFor();
    await op.getByTestId('compare-raised_again').getByText('Encara massa paperassa').waitFor();
    await op.getByTestId('compare-no_longer_raised').getByText('Bona coordinació').waitFor();
    await op.getByTestId('comparison-table').waitFor();
    await checkPage(op, 'evaluation-second-edition-report', { shots });
  });
});
