// A group meeting online: two members of one group enter its own room from the group's page (fake
// microphones in real Chromium, the real SFU on loopback), each sees the other in the room, the group's
// table stays beside it; someone of another group cannot enter. Axe-clean at 360 and 1280 px.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

describe('evaluation group room', () => {
  let server;
  let browser;
  const shots = screenshotDir();
  before(async () => {
    server = await startServer({ TEIXIT_REGISTER_LIMIT: '100' });
    browser = await launchBrowser({ fakeMedia: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets the members of a group talk online beside their notes', async () => {
    const octx = await browser.newContext();
    const olga = await signUpViaApi(octx, server.base, { email: 'olga@example.org', name: 'Olga', language: 'ca' });
    const org = await olga.post('/organisations', { name: 'Benestar Social', kind: 'municipality' });
    const people = [];
    for (let i = 0; i < 10; i++) {
      const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 740 }, reducedMotion: 'reduce' });
      ctx.setDefaultTimeout(60_000);
      const p = await signUpViaApi(ctx, server.base, { email: `pro${i}@example.org`, name: `Persona ${i}`, language: 'it' });
      const inv = await olga.post(`/organisations/${org.id}/invitations`, { email: `pro${i}@example.org`, role: 'professional' });
      await p.post(`/me/invitations/${inv.id}/accept`, {});
      people.push({ ctx, ...p });
    }
    const created = await olga.post('/evaluations', { title: 'Valutazione a distanza', organisationIds: [org.id],
      edition: { areas: [{ name: 'Coordinamento' }], mode: 'online', groupSize: 5, threshold: 5, roles: ['professional'] } });
    const ed = created.edition.id;
    await olga.post(`/evaluation-editions/${ed}/participants/members`, {});
    const groups = await olga.post(`/evaluation-editions/${ed}/groups/formation`, {});
    const csrf = (await (await octx.request.get(`${server.base}/api/v1/auth/session`)).json()).csrfToken;
    await octx.request.patch(`${server.base}/api/v1/evaluation-editions/${ed}`, { headers: { 'X-CSRF-Token': csrf }, data: { phase: 'groups' } });
    const g = groups.items[0];
    const inG = people.filter((p) => g.members.some((m) => m.userId === p.user.id));
    const outG = people.find((p) => !g.members.some((m) => m.userId === p.user.id));
    const [a, b] = inG;

    const pages = [];
    for (const p of [a, b]) {
      const page = await p.ctx.newPage();
      page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
      await page.goto(`${server.base}/evaluation-groups/${g.id}`);
      await page.getByTestId('room-join').click();
      await page.getByTestId('room-status').getByText('Sei nella stanza del gruppo.').waitFor();
      pages.push(page);
    }
    for (const [page, other] of [[pages[0], b], [pages[1], a]]) {
      await page.getByTestId('room-people').getByText(other.user.name).waitFor();
      await page.getByText('Il gruppo ti sente.').waitFor();
    }
    await pages[0].getByTestId('item-form').waitFor(); // the group's table beside the room
    await checkPage(pages[0], 'evaluation-group-room', { shots });

    const res = await outG.ctx.request.get(`${server.base}/api/v1/evaluation-groups/${g.id}/live/ice-servers`);
    assert.equal(res.status(), 403, 'someone of another group cannot enter');
    await pages[1].getByTestId('room-leave').click();
    await pages[0].getByTestId('room-people').getByText(b.user.name).waitFor({ state: 'detached' });
  });
});
