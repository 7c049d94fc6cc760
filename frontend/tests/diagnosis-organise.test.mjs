// Organisers and authors changing what they made, in the browser, on a server loaded with the demo data:
// a professional starts a diagnosis through the form (mistakes shown in the error summary first), a resident
// changes and withdraws their own contribution, a facilitator corrects what they typed for someone, and the
// organiser changes the settings and moves the diagnosis to the next step after the dialog says what changes
// for participants. Every page passes axe-core at 1280 and 360 px with no sideways scroll; screenshots are
// written for a person to look at.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkPage, launchBrowser, openSignedInPage, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

const JORDI = { email: 'jordi@example.org', password: 'servei-social-prop-2026' }; // professional
const PILAR = { email: 'pilar@example.org', password: 'veina-del-barri-2026' }; // resident: a member of the association, no organiser

describe('diagnosis: organisers and authors change what they made', () => {
  let server;
  let browser;
  const shots = screenshotDir();
  // checked as the pages stand (no wait for network idle), 900 px high at both widths
  const look = { idle: false, height: 900 };
  const pages = [];

  before(async () => {
    server = await startServer({}, { seed: true });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const [i, p] of pages.entries()) await p.screenshot({ path: path.join(shots, `organise-last-page-${i}.png`), fullPage: true }).catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function context(width, who) {
    const c = await openSignedInPage(browser, server.base, width, who);
    pages.push(c.page);
    return c;
  }

  it('starts a diagnosis, changes and withdraws contributions, and moves to the next step', async () => {
    const org = await context(1280, JORDI);
    const op = org.page;
    const raval = (await org.api.get('/territories?limit=100')).items.find((x) => x.name === 'el Raval');
    const assoc = (await org.api.get('/organisations?limit=50')).items.find((o) => o.name === 'Associació Veïnal del Raval Nord');
    assert.ok(raval && assoc, 'the seed has el Raval and the association');

    // --- The list offers "Start a diagnosis" to a professional; the form says what is missing first.
    await op.goto(`${server.base}/diagnoses`);
    await op.getByTestId('diagnosis-new-link').click();
    await op.getByRole('heading', { level: 1, name: 'Start a diagnosis' }).waitFor();
    await op.getByTestId('diagnosis-new').waitFor();
    await checkPage(op, 'organise-01-new-empty', look);
    await op.getByTestId('dn-create').click();
    const summary = op.getByTestId('error-summary');
    await summary.waitFor();
    assert.ok(await summary.evaluate((el) => el === document.activeElement), 'the error summary takes focus');
    const said = await summary.innerText();
    for (const words of ['Name of the diagnosis', 'Place: Choose the place.', 'Choose at least one topic.']) assert.ok(said.includes(words), `the summary says "${words}": ${said}`);
    await summary.getByRole('link', { name: /Place/ }).click();
    assert.equal(await op.evaluate(() => document.activeElement?.id), 'dn-territory', 'the link goes to the field');
    await checkPage(op, 'organise-02-new-errors', look);

    await op.getByLabel('Name of the diagnosis').fill('Com vivim a la Rambla del Raval');
    await op.getByLabel('What it is for (if you want)').fill('What the streets around the Rambla need, said by the neighbours.');
    await op.getByLabel('Place').selectOption(raval.id);
    await op.getByLabel('Organisation in charge').selectOption(assoc.id);
    await op.getByTestId('df-theme-housing').check();
    await op.getByTestId('df-theme-public_space').check();
    await op.locator('#df-gathering-start').fill('2026-11-25');
    await op.locator('#df-gathering-end').fill('2026-12-20');
    await op.locator('#df-synthesis-start').fill('2027-01-20');
    await op.locator('#df-synthesis-end').fill('2027-01-10'); // before it starts
    await op.getByLabel('People without an account can take part with a nickname').check();
    await op.getByLabel('Votes each person has when choosing priorities').fill('3');
    await op.getByTestId('dn-create').click();
    await summary.filter({ hasText: 'The end cannot come before the start.' }).waitFor();
    await op.locator('#df-synthesis-end').fill('2027-01-31');
    await op.getByTestId('dn-create').click();
    await op.getByRole('heading', { level: 1, name: 'Com vivim a la Rambla del Raval' }).waitFor();
    const id = op.url().split('/diagnoses/')[1];
    const made = await org.api.get(`/diagnoses/${id}`);
    assert.equal(made.territoryId, raval.id);
    assert.deepEqual(made.organisationIds, [assoc.id]);
    assert.deepEqual(made.themes, ['housing', 'public_space']);
    assert.equal(made.phase, 'gathering');
    assert.deepEqual(made.settings, { allowNicknames: true, preModeration: false, votesPerPerson: 3 });
    assert.deepEqual(made.schedule, [
      { name: 'gathering', start: '2026-11-25', end: '2026-12-20' },
      { name: 'synthesis', start: '2027-01-20', end: '2027-01-31' },
    ]);
    const url = `${server.base}/diagnoses/${id}`;

    // --- A resident changes one of their contributions and withdraws another, on a phone.
    const res = await context(360, PILAR);
    const rp = res.page;
    await rp.goto(url);
    await rp.getByRole('heading', { level: 1, name: 'Com vivim a la Rambla del Raval' }).waitFor();
    async function contribute(words) {
      await rp.getByTestId('kind-need').check();
      await rp.getByLabel('What is it about?').selectOption('housing');
      await rp.getByLabel('Tell us in your own words').fill(words);
      await rp.getByTestId('contribute-submit').click();
      await rp.getByTestId('contributions-list').getByTestId('contribution').filter({ hasText: words }).waitFor();
    }
    await contribute('The doorway of number 12 is dark at night.');
    await contribute('A mistake: I sent this twice.');
    const first = rp.getByTestId('contribution').filter({ hasText: 'doorway of number 12' });
    await first.getByTestId('own-change').click();
    assert.equal(await rp.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'own-text', 'focus goes to the words');
    await first.getByTestId('own-kind-proposal').check();
    await first.getByTestId('own-theme').selectOption('public_space');
    await first.getByTestId('own-text').fill('A light in the doorway of number 12, please: it is dark at night.');
    await checkPage(rp, 'organise-03-own-change', look);
    await first.getByTestId('own-save').click();
    const changed = rp.getByTestId('contribution').filter({ hasText: 'A light in the doorway of number 12' });
    await changed.getByText('An idea', { exact: true }).waitFor();
    await rp.getByTestId('live-region').filter({ hasText: 'Your change is saved.' }).waitFor();
    const stored = (await res.api.get(`/diagnoses/${id}/contributions?limit=10`)).items.find((c) => c.text.includes('A light in the doorway'));
    assert.equal(stored.kind, 'proposal');
    assert.equal(stored.theme, 'public_space');
    const twice = rp.getByTestId('contribution').filter({ hasText: 'I sent this twice' });
    await twice.getByTestId('own-withdraw').click();
    const dialog = twice.getByTestId('own-withdraw-dialog');
    await dialog.getByText('This cannot be undone.', { exact: false }).waitFor();
    await checkPage(rp, 'organise-04-own-withdraw', look);
    await dialog.getByTestId('own-withdraw-dialog-confirm').click();
    await twice.waitFor({ state: 'detached' });
    await rp.getByTestId('live-region').filter({ hasText: 'The contribution was withdrawn.' }).waitFor();
    assert.equal((await res.api.get(`/diagnoses/${id}/contributions?limit=10`)).items.filter((c) => c.text.includes('twice')).length, 0);

    // --- A facilitator corrects what they typed for someone; they are not offered to change others' words.
    await op.reload();
    await op.getByTestId('facilitator-mode').check();
    await op.getByTestId('facilitator-consent').check();
    await op.getByTestId('kind-need').check();
    await op.getByLabel('What is it about?').selectOption('housing');
    await op.getByLabel('Tell us in your own words').fill('Mrs at number 3 has no hot watter.');
    await op.getByTestId('contribute-submit').click();
    const typed = op.getByTestId('contribution').filter({ hasText: 'no hot watter' });
    await typed.getByTestId('own-change').filter({ hasText: 'Correct what you typed' }).click();
    await typed.getByTestId('own-text').fill('A neighbour at number 3 has had no hot water for a month.');
    await typed.getByTestId('own-save').click();
    await op.getByTestId('contribution').filter({ hasText: 'no hot water for a month' }).waitFor();
    assert.equal(await op.getByTestId('contribution').filter({ hasText: 'doorway of number 12' }).getByTestId('own-change').count(), 0, 'not on the resident\'s');

    // Once a finding cites it, it can still be changed but no longer withdrawn, and the page says why.
    await org.api.post(`/diagnoses/${id}/findings`, { swot: 'weakness', title: 'Dark doorways', text: 'Several doorways have no light.', contributionIds: [stored.id] });
    await rp.reload();
    const cited = rp.getByTestId('contribution').filter({ hasText: 'A light in the doorway' });
    await cited.getByTestId('own-cited').filter({ hasText: 'can no longer be withdrawn' }).waitFor();
    assert.equal(await cited.getByTestId('own-withdraw').count(), 0);
    assert.equal(await cited.getByTestId('own-change').count(), 1);

    // --- The organiser changes the settings, then moves the diagnosis on after the dialog.
    await op.getByTestId('diagnosis-edit-link').click();
    await op.getByRole('heading', { level: 1, name: 'Settings: Com vivim a la Rambla del Raval' }).waitFor();
    assert.equal(await op.getByLabel('Votes each person has when choosing priorities').inputValue(), '3');
    assert.equal(await op.locator('#df-synthesis-end').inputValue(), '2027-01-31');
    await checkPage(op, 'organise-05-edit', look);
    await op.getByLabel('What it is for (if you want)').fill('What the streets around the Rambla need and have.');
    await op.getByLabel('Read everything before it is shown').check();
    await op.getByTestId('df-theme-ageing_loneliness').check();
    await op.getByTestId('diagnosis-save').click();
    await op.getByTestId('diagnosis-saved').waitFor();
    const edited = await org.api.get(`/diagnoses/${id}`);
    assert.equal(edited.description, 'What the streets around the Rambla need and have.');
    assert.equal(edited.settings.preModeration, true);
    assert.deepEqual(edited.themes, ['housing', 'public_space', 'ageing_loneliness']);

    assert.equal(await op.getByLabel('Move the diagnosis to this step').inputValue(), 'synthesis', 'the next step is offered');
    await op.getByTestId('phase-submit').click();
    const ask = op.getByTestId('phase-confirm');
    await ask.getByText('Nobody can send, change or withdraw contributions any more.', { exact: false }).waitFor();
    await ask.getByText('from “Gathering ideas” to “Putting it together”', { exact: false }).waitFor();
    await checkPage(op, 'organise-06-phase-confirm', look);
    await ask.getByTestId('phase-confirm-cancel').click();
    assert.equal((await org.api.get(`/diagnoses/${id}`)).phase, 'gathering', 'cancel changes nothing');
    await op.getByTestId('phase-submit').click();
    await ask.getByTestId('phase-confirm-confirm').click();
    await op.getByTestId('diagnosis-phase-synthesis').filter({ hasText: 'We are here now' }).waitFor();
    await op.getByTestId('live-region').filter({ hasText: 'Putting it together' }).waitFor();
    assert.equal((await org.api.get(`/diagnoses/${id}`)).phase, 'synthesis');
    assert.equal(await op.getByLabel('Move the diagnosis to this step').inputValue(), 'prioritisation', 'then the step after');
    await checkPage(op, 'organise-07-moved', look);
    // Going back is a reopening, said before it happens.
    await op.getByLabel('Move the diagnosis to this step').selectOption('gathering');
    await op.getByTestId('phase-submit').click();
    await ask.getByRole('heading', { name: 'Reopen “Gathering ideas”?' }).waitFor();
    await ask.getByTestId('phase-reopen').waitFor();
    await checkPage(op, 'organise-07b-reopen', look);
    await ask.getByTestId('phase-confirm-cancel').click();
    assert.equal((await org.api.get(`/diagnoses/${id}`)).phase, 'synthesis', 'cancel keeps the step');
    // Participants see the planned dates of each step, and can take them to their calendar.
    await rp.goto(url);
    await rp.getByTestId('diagnosis-phase-gathering').getByTestId('diagnosis-phase-dates').waitFor();
    // in words, as one span (the year only when it is not this one)
    assert.match(await rp.getByTestId('diagnosis-phase-gathering').innerText(), /(November 25|25 November)\s*[–-]\s*(December 20|20 December)/);
    const ics = await rp.request.get(server.base + await rp.getByTestId('diagnosis-calendar').getAttribute('href'));
    assert.equal(ics.status(), 200);
    assert.match(await ics.text(), /BEGIN:VEVENT[\s\S]*DTSTART;VALUE=DATE:2026/);

    // Once gathering is over, nobody is offered to change or withdraw.
    await rp.reload();
    await rp.getByTestId('contribution').filter({ hasText: 'A light in the doorway' }).waitFor();
    assert.equal(await rp.getByTestId('own-contribution').count(), 0);

    // Someone who is not an organiser sees no settings form.
    await rp.goto(`${url}/edit`);
    await rp.getByTestId('diagnosis-edit-forbidden').waitFor();
    // Someone with no organisation is not offered to start one.
    const newcomer = await browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 900 } });
    await signUpViaApi(newcomer, server.base, { email: 'newcomer@example.org', name: 'Newcomer' });
    const np = await newcomer.newPage();
    pages.push(np);
    // The link depends on the memberships the page asks the session for once the shell knows who is signed in
    // (the second session answer): wait for it, then a frame, before saying the link is absent.
    const answered = (p, re, n = 1) => {
      let seen = 0;
      return p.waitForResponse((r) => re.test(new URL(r.url()).pathname) && ++seen === n);
    };
    await Promise.all([answered(np, /\/api\/v1\/auth\/session$/, 2), np.goto(`${server.base}/diagnoses`)]);
    await np.getByTestId('diagnoses-list').waitFor();
    await np.evaluate(() => new Promise(requestAnimationFrame));
    assert.equal(await np.getByTestId('diagnosis-new-link').count(), 0, 'no link without an organisation role');
    await np.goto(`${server.base}/diagnoses/new`);
    await np.getByTestId('diagnosis-new-none').waitFor();

    // The territory form shows to the admins the server lets through (municipality), not to other admins.
    // The form depends on the kind of each organisation the reader administers: wait for that answer.
    await Promise.all([answered(rp, /\/api\/v1\/organisations\/[^/]+$/), rp.goto(`${server.base}/territories`)]);
    await rp.getByTestId('territory-tree').waitFor();
    await rp.evaluate(() => new Promise(requestAnimationFrame));
    assert.equal(await rp.getByRole('heading', { name: 'Add an area' }).count(), 0, 'the admin of a mutual-aid group does not manage territories');
    await org.api.post('/organisations', { name: 'Districte de Ciutat Vella', kind: 'municipality', description: 'The district council.' });
    await op.goto(`${server.base}/territories`);
    await op.getByRole('heading', { name: 'Add an area' }).waitFor();
  });
});
