// The full path of a participatory diagnosis, in the browser, on a server loaded with the demo data (`teixit
// seed`: Barcelona's territories, organisations and demo accounts): a resident contributes (draft kept over a
// reload, voice note, photo, place on the map) → someone without an account contributes under a nickname → a
// facilitator enters one for a person who agreed → the organiser publishes one and hides the other with a
// reason → a professional writes a finding citing the resident's contribution → a contribution sent after
// gathering closed is refused with the server's words and its draft kept → the resident votes → an action
// with an indicator and a measurement shows on the dashboard. Map, territories. Every page passes axe-core at
// 1280 and 360 px with no sideways scroll; screenshots are written for a person to look at. Then a platform
// admin adds a territory (a bad outline is refused with the server's words), and the map draws under the CSP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { check as checkGeoJSON } from '@placemarkio/check-geojson';
import { checkPage, launchBrowser, openSignedInPage, screenshotDir, startServer } from './harness.mjs';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const JORDI = { email: 'jordi@example.org', password: 'servei-social-prop-2026' }; // professional of the association
const PILAR = { email: 'pilar@example.org', password: 'veina-del-barri-2026' }; // resident

describe('diagnosis: the full path', () => {
  let server;
  let browser;
  const shots = screenshotDir();
  // checked as the pages stand (no wait for network idle), 900 px high at both widths
  const look = { idle: false, height: 900 };
  const pages = [];

  before(async () => {
    server = await startServer({}, { seed: true });
    browser = await launchBrowser({ fakeMedia: true });
  });

  after(async () => {
    // On a failure, what each open page showed.
    for (const [i, p] of pages.entries()) await p.screenshot({ path: path.join(shots, `last-page-${i}.png`), fullPage: true }).catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function context(width, who) {
    const c = await openSignedInPage(browser, server.base, width, who);
    pages.push(c.page);
    return c;
  }

  it('goes from a contribution to an indicator on the dashboard', async () => {
    const org = await context(1280, JORDI);
    const orgs = (await org.api.get('/organisations?limit=50')).items;
    const assoc = orgs.find((o) => o.name === 'Associació Veïnal del Raval Nord');
    const raval = (await org.api.get('/territories')).items.find((x) => x.name === 'el Raval');
    assert.ok(assoc && raval, 'the seed has the association and el Raval');
    const d = await org.api.post('/diagnoses', {
      title: 'Com vivim al Raval Nord', description: 'What the neighbourhood needs and has, said by its people.',
      territoryId: raval.id, organisationIds: [assoc.id], themes: ['housing', 'public_space', 'ageing_loneliness'],
      settings: { allowNicknames: true, preModeration: true, votesPerPerson: 3 },
    });
    const url = `${server.base}/diagnoses/${d.id}`;

    // --- A resident contributes on a phone: the draft survives a reload; voice note, photo and place.
    const res = await context(360, PILAR);
    const rp = res.page;
    await rp.goto(url);
    await rp.getByRole('heading', { level: 1, name: 'Com vivim al Raval Nord' }).waitFor();
    await rp.getByText('Your text is kept on this phone until it is sent.').waitFor();
    await checkPage(rp, 'path-01-contribute-empty', look);
    await rp.getByTestId('kind-need').check();
    await rp.getByLabel('What is it about?').selectOption('housing');
    const words = 'The stairs of our building have no lift and older neighbours cannot go out.';
    await rp.getByLabel('Tell us in your own words').fill(words);
    // Reload once the draft is on the phone (the state the reload must find), not after a guessed time.
    await rp.waitForFunction((w) => Object.keys(localStorage).some((k) => k.startsWith('teixit.draft.contribution.') && localStorage.getItem(k).includes(w)), words);
    await rp.reload();
    await rp.getByTestId('draft-restored').waitFor();
    assert.equal(await rp.getByLabel('Tell us in your own words').inputValue(), words, 'the text is back after a reload');
    assert.equal(await rp.getByTestId('kind-need').isChecked(), true);
    assert.equal(await rp.getByLabel('What is it about?').inputValue(), 'housing');

    await rp.getByTestId('voice-record').click();
    await rp.getByTestId('voice-state').filter({ hasText: 'Recording now' }).waitFor();
    await rp.waitForTimeout(1500);
    await rp.getByTestId('voice-stop').click();
    await rp.getByTestId('voice-audio').waitFor();
    assert.match(await rp.getByTestId('voice-state').innerText(), /voice note is ready/);
    await rp.getByTestId('contribute-photo').setInputFiles({ name: 'stairs.png', mimeType: 'image/png', buffer: PNG });
    await rp.getByAltText('The photo you chose').waitFor();
    await rp.getByTestId('point-toggle').click();
    await rp.locator('[data-testid="point-map"] path.leaflet-interactive, [data-testid="point-map"] .leaflet-overlay-pane path').first().waitFor();
    await rp.getByTestId('map-no-tiles').waitFor();
    // With no tiles, the neighbours are outlined and named, and the directory's places marked.
    await rp.locator('[data-testid="point-map"] .map-area-label', { hasText: 'el Barri Gòtic' }).waitFor();
    await rp.locator('[data-testid="point-map"] .map-place').first().waitFor();
    await rp.getByTestId('map-use-centre').click();
    // The place in words, from the territory's own outline and the directory (no map service): where in
    // el Raval it is, and the named place nearby.
    assert.match(await rp.getByTestId('point-state').innerText(), /^Place chosen: in the (centre|north|north-east|east|south-east|south|south-west|west|north-west) of el Raval\. Nearby: [^()]+ \(about \d+ m away\)\.$/);
    // With the keyboard only: the arrow keys move the map, Enter on the button takes the new centre.
    const before = await rp.getByTestId('point-state').getAttribute('data-point');
    await rp.getByTestId('point-map').focus();
    await rp.keyboard.press('ArrowRight'); // one step (80 px): the place stays inside el Raval
    await rp.waitForTimeout(400);
    await rp.getByTestId('map-use-centre').focus();
    await rp.keyboard.press('Enter');
    await rp.waitForFunction((b) => document.querySelector('[data-testid="point-state"]')?.getAttribute('data-point') !== b, before);
    assert.match(await rp.getByTestId('point-state').innerText(), /^Place chosen: in the (centre|east|north-east|south-east) of el Raval\.( Nearby: [^()]+ \(about \d+ m away\)\.)?$/);
    await checkPage(rp, 'path-02-contribute-filled', look);
    // The connection drops as it is sent: nothing is lost, and sending again once back works.
    await res.ctx.setOffline(true);
    await rp.getByTestId('contribute-submit').click();
    await rp.getByTestId('error-summary').filter({ hasText: 'still kept on this phone' }).waitFor();
    assert.equal(await rp.getByLabel('Tell us in your own words').inputValue(), words);
    assert.match(await rp.evaluate((id) => localStorage.getItem(`teixit.draft.contribution.${id}`), d.id), /no lift/);
    await res.ctx.setOffline(false);
    await rp.getByTestId('contribute-submit').click();
    await rp.getByTestId('contribute-sent').filter({ hasText: 'The organisers will read it before it is shown.' }).waitFor();
    assert.equal(await rp.evaluate((id) => localStorage.getItem(`teixit.draft.contribution.${id}`), d.id), null, 'the draft is gone once sent');
    const mine = rp.getByTestId('contribution').filter({ hasText: words });
    await mine.getByTestId('contribution-status').filter({ hasText: 'Waiting to be checked' }).waitFor();
    await mine.getByTestId('contribution-audio').waitFor();
    await mine.getByAltText('Photo sent with this contribution').waitFor();
    await checkPage(rp, 'path-03-contributed', look);

    // --- Someone without an account, under a nickname (always checked first).
    const anon = await context(360);
    await anon.page.goto(url);
    await anon.page.getByLabel('Your nickname').waitFor();
    await anon.page.getByTestId('kind-proposal').check();
    await anon.page.getByLabel('What is it about?').selectOption('public_space');
    await anon.page.getByLabel('Tell us in your own words').fill('Buy me a car, this is spam.');
    await anon.page.getByTestId('contribute-submit').click();
    await anon.page.getByRole('alert').filter({ hasText: 'Your nickname' }).waitFor(); // no nickname: the server's field error
    await anon.page.getByLabel('Your nickname').fill('Veí');
    await anon.page.getByTestId('contribute-submit').click();
    await anon.page.getByTestId('contribute-sent').waitFor();
    await checkPage(anon.page, 'path-04-nickname', look);
    await anon.ctx.close();

    // --- A facilitator enters one for a person: the agreement is required, nothing about the person.
    const op = org.page;
    await op.goto(url);
    await op.getByTestId('facilitator-mode').check();
    await op.getByTestId('kind-asset').check();
    await op.getByLabel('What is it about?').selectOption('ageing_loneliness');
    await op.getByLabel('Tell us in your own words').fill('The Thursday lunch at the civic centre keeps many older people company.');
    await op.getByTestId('contribute-submit').click();
    await op.getByTestId('error-summary').filter({ hasText: 'Tick the box to confirm the person agrees.' }).waitFor();
    await checkPage(op, 'path-05-facilitator-consent', look);
    await op.getByTestId('facilitator-consent').check();
    await op.getByTestId('contribute-submit').click();
    await op.getByTestId('contribute-sent').filter({ hasText: 'now on the list' }).waitFor();
    await op.getByTestId('contribution').filter({ hasText: 'Thursday lunch' }).getByText('Written with help from a professional').waitFor();

    // --- The organiser checks the queue: publishes the resident's, hides the spam with a reason.
    await op.getByTestId('diagnosis-nav-moderation').click();
    await op.getByRole('heading', { level: 1, name: 'Contributions to check' }).waitFor();
    await op.getByTestId('moderation-list').waitFor();
    await checkPage(op, 'path-06-moderation', look);
    await op.getByTestId('contribution').filter({ hasText: words }).getByTestId('moderation-publish').click();
    await op.getByTestId('contribution').filter({ hasText: 'spam' }).getByTestId('moderation-hide').click();
    await op.getByTestId('hide-dialog-confirm').click();
    await op.getByTestId('hide-dialog').getByText('Write the reason.').waitFor();
    await op.getByLabel('Why is it hidden?').fill('Advertising, not about the neighbourhood.');
    await op.getByTestId('hide-dialog-confirm').click();
    await op.getByTestId('moderation-empty').waitFor();

    // "Me too": the toggle says its state (aria-pressed) and the count in words.
    await op.getByTestId('diagnosis-nav-overview').click();
    const published = op.getByTestId('contribution').filter({ hasText: words });
    await published.waitFor();
    const cid = await published.getAttribute('data-id');
    const toggle = published.getByTestId('support-toggle');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    await published.getByTestId('support-count').filter({ hasText: '1 person agrees' }).waitFor();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await toggle.click();
    await published.getByTestId('support-count').filter({ hasText: '0 people agree' }).waitFor();
    await toggle.click();
    await published.getByTestId('support-count').filter({ hasText: '1 person agrees' }).waitFor();
    // Filters: kind and order.
    await op.getByTestId('filter-kind').selectOption('asset');
    await op.getByTestId('contributions-list').getByText('Thursday lunch').waitFor();
    await op.getByTestId('contribution').filter({ hasText: words }).waitFor({ state: 'detached' }); // needs are filtered out
    // Answers can cross on a slow connection: the newest-first list, asked for first, is held back until the
    // most-supported one is shown, and must not replace it when it arrives.
    const newestFirst = (url) => /\/contributions\?/.test(String(url)) && /sort=-created/.test(String(url)) && !/status=/.test(String(url));
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await op.route(newestFirst, async (route) => {
      await held;
      await route.continue();
    });
    const lateAnswer = op.waitForResponse((r) => newestFirst(r.url()));
    await op.getByTestId('filter-kind').selectOption('');
    await op.getByTestId('filter-sort').selectOption('-supports');
    await op.getByTestId('contribution').first().filter({ hasText: words }).waitFor();
    release();
    await (await lateAnswer).finished();
    await op.unroute(newestFirst);
    await op.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.match(await op.getByTestId('contribution').first().innerText(), /no lift and older neighbours/, 'the late answer is dropped');

    // --- A professional writes a finding citing it; the contribution says which findings cite it.
    await op.getByText('Write a finding').click();
    await op.getByLabel('What kind of finding?').selectOption('weakness');
    await op.getByLabel('Short title').fill('Buildings without lifts');
    await op.getByLabel('Explanation').fill('Older people in walk-up buildings are shut in.');
    // The filter narrows the list to what says those words; a chosen contribution stays listed.
    await op.getByTestId('cite-filter').fill('lift');
    await op.getByTestId(`cite-${cid}`).check();
    assert.match(await op.getByTestId('cite-count').innerText(), /^\d+ of \d+ contributions · 1 chosen$/);
    await op.getByTestId('cite-filter').fill('zzzz no such words');
    assert.equal(await op.getByTestId(`cite-${cid}`).isChecked(), true, 'the chosen one stays in the list');
    await op.getByTestId('cite-filter').fill('');
    await checkPage(op, 'path-07-finding-form', look);
    await op.getByTestId('finding-submit').click();
    await op.getByTestId('swot-weakness').getByText('Buildings without lifts').waitFor();
    await op.getByTestId('contribution').filter({ hasText: words }).getByTestId('contribution-cited').filter({ hasText: 'Buildings without lifts' }).waitFor();
    await checkPage(op, 'path-07-finding', look);

    // The resident reports the facilitated contribution; it comes back in the queue and the organiser keeps it.
    await rp.reload();
    const lunch = rp.getByTestId('contribution').filter({ hasText: 'Thursday lunch' });
    await lunch.getByTestId('report-open').click();
    await rp.getByLabel('What is wrong?').fill('It names a place where people can be found.');
    await rp.getByTestId('report-dialog-confirm').click();
    await rp.getByTestId('live-region').filter({ hasText: 'The organisers will look at it.' }).waitFor();
    await op.getByTestId('diagnosis-nav-moderation').click();
    const reported = op.getByTestId('contribution').filter({ hasText: 'Thursday lunch' });
    await reported.getByText('Reported once').waitFor();
    await reported.getByTestId('report-reasons').getByText('It names a place where people can be found.', { exact: false }).waitFor();
    await reported.getByTestId('moderation-publish').filter({ hasText: 'Keep it shown' }).click();
    await op.getByTestId('moderation-empty').waitFor();
    const told = await res.api.get('/notifications');
    assert.ok(told.items.some((n) => n.kind === 'contribution_report_reviewed'), 'the resident is told her report was looked at');
    await op.getByTestId('diagnosis-nav-overview').click();
    await op.getByTestId('phase-control').waitFor();

    // --- Gathering closes: a contribution sent from a page opened before is refused with the server's
    // words, and its draft is kept.
    await op.getByLabel('Move the diagnosis to this step').selectOption('synthesis');
    await op.getByTestId('phase-submit').click();
    await op.getByTestId('phase-confirm-confirm').click(); // after the dialog says what changes
    await op.getByTestId('diagnosis-phase-synthesis').filter({ hasText: 'We are here now' }).waitFor();
    await rp.getByTestId('kind-proposal').check();
    await rp.getByLabel('What is it about?').selectOption('public_space');
    await rp.getByLabel('Tell us in your own words').fill('Shade and benches in the square.');
    await rp.getByTestId('contribute-submit').click();
    const summary = rp.getByTestId('error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /gathering/i, 'the server says why');
    assert.match(await summary.innerText(), /still kept on this phone/);
    assert.match(await rp.evaluate((id) => localStorage.getItem(`teixit.draft.contribution.${id}`), d.id), /Shade and benches/);
    await checkPage(rp, 'path-08-wrong-phase', look);

    // --- Prioritisation: the resident shares 3 votes with − and +, the count left said in words.
    await op.getByLabel('Move the diagnosis to this step').selectOption('prioritisation');
    await op.getByTestId('phase-submit').click();
    await op.getByTestId('phase-confirm-confirm').click();
    await op.getByTestId('ballot').waitFor();
    await rp.reload();
    await rp.getByTestId('ballot').waitFor();
    assert.equal(await rp.getByTestId('contribute').count(), 0, 'no contribute form outside gathering');
    await rp.getByTestId('ballot-left').filter({ hasText: 'You have 3 votes left.' }).waitFor();
    const finding = rp.getByTestId('ballot-target').filter({ hasText: 'Buildings without lifts' });
    const need = rp.getByTestId('ballot-target').filter({ hasText: 'no lift' });
    await finding.getByTestId('vote-more').click();
    await finding.getByTestId('vote-more').click();
    await need.getByTestId('vote-more').click();
    await rp.getByTestId('ballot-left').filter({ hasText: 'You have 0 votes left.' }).waitFor();
    assert.equal(await finding.getByTestId('vote-more').isDisabled(), true, 'no more votes than allowed');
    await finding.getByTestId('vote-count').filter({ hasText: '2 votes' }).waitFor();
    await checkPage(rp, 'path-09-ballot', look);
    await rp.getByTestId('ballot-submit').click();
    await rp.getByTestId('ballot-confirm').getByText('Once sent, your votes cannot be changed.').waitFor();
    await rp.getByTestId('ballot-confirm-confirm').click();
    await rp.getByTestId('ballot-done').waitFor();
    await rp.getByTestId('priority').first().filter({ hasText: 'Buildings without lifts — 2 votes' }).waitFor();
    // A facilitator enters the ballot of a person without an account, who agreed.
    await op.reload();
    const opNeed = op.getByTestId('ballot-target').filter({ hasText: 'no lift' });
    await opNeed.getByTestId('vote-more').click();
    await op.getByTestId('ballot-for-someone').check();
    assert.equal(await op.getByTestId('ballot-submit').isDisabled(), true, 'not without the person\'s agreement');
    await op.getByTestId('ballot-consent').check();
    await op.getByTestId('ballot-submit').click();
    await op.getByTestId('ballot-confirm-confirm').click();
    await op.getByTestId('ballot-entered').filter({ hasText: 'Votes entered for 1 person.' }).waitFor();
    await op.getByTestId('ballot-left').filter({ hasText: 'You have 3 votes left.' }).waitFor();

    // --- Action plan: an action with an indicator, then a measurement.
    await op.getByLabel('Move the diagnosis to this step').selectOption('action_plan');
    await op.getByTestId('phase-submit').click();
    await op.getByTestId('phase-confirm-confirm').click();
    await op.getByTestId('diagnosis-phase-action_plan').filter({ hasText: 'We are here now' }).waitFor();
    await op.getByText('Add an action').click();
    await op.getByLabel('What will be done').fill('Stair-climbing volunteers');
    await op.getByLabel('Organisation in charge').selectOption(assoc.id);
    await op.getByTestId('action-form').getByText('Buildings without lifts').click();
    await op.getByLabel('Indicator', { exact: true }).fill('Older people accompanied each month');
    await op.getByLabel('Unit (for example: people)').fill('people');
    await op.getByLabel('Starting value').fill('2');
    await op.getByLabel('Goal').fill('20');
    await op.getByTestId('action-submit').click();
    const action = op.getByTestId('action').filter({ hasText: 'Stair-climbing volunteers' });
    await action.getByText('Not measured yet. It starts at 2 people; the goal is 20.').waitFor();
    await action.getByText('Record a new value for').click();
    await action.getByTestId('measurement-date').fill('2026-11-20');
    await action.getByTestId('measurement-value').fill('11');
    await action.getByTestId('measurement-submit').click();
    await action.getByText(/^Now 11 people \(on November 20(, 2026)?\)\. It started at 2; the goal is 20\.$/).waitFor();
    await action.getByLabel('Change the status').selectOption('in_progress');
    await action.getByTestId('action-status').filter({ hasText: 'Status: Under way' }).waitFor();
    await action.getByText('Add an indicator to this action').click();
    await action.getByTestId('indicator-name').fill('Volunteers signed up');
    await action.getByTestId('indicator-unit').fill('people');
    await action.getByTestId('indicator-target').fill('10');
    await action.getByTestId('indicator-submit').click();
    await action.getByText('Not measured yet. It starts at 0 people; the goal is 10.').waitFor();
    await action.getByText(/^Now 11 people \(on November 20(, 2026)?\)\. It started at 2; the goal is 20\.$/).waitFor(); // kept its measurements
    await checkPage(op, 'path-10-action-plan', look);

    // --- The dashboard shows it all, each chart with its words.
    await op.getByTestId('diagnosis-nav-dashboard').click();
    await op.getByRole('heading', { level: 1, name: 'Figures: Com vivim al Raval Nord' }).waitFor();
    await op.getByTestId('indicator-sentence').filter({ hasText: 'Now 11 people. It started at 2 and the goal is 20: 50% of the way.' }).waitFor();
    await op.getByTestId('chart-kind').getByRole('rowheader', { name: 'Something we need' }).waitFor();
    // Dates in words: weeks by their Monday, measurements by their day (no "2026-W49", no ISO dates).
    assert.match(await op.getByTestId('chart-week').getByRole('rowheader').first().innerText(), /^Week of [A-Z][a-z]+ \d{1,2}(, \d{4})?$/);
    assert.match(await op.getByTestId('indicator-trend').locator('td time').first().innerText(), /^November 20(, 2026)?$/);
    await op.getByTestId('chart-priorities').getByRole('rowheader', { name: '1. Buildings without lifts' }).waitFor();
    assert.match(await op.getByTestId('dashboard-summary').innerText(), /2\s+contributions[\s\S]*1\s+“me too”[\s\S]*1\s+finding[\s\S]*2\s+people voted[\s\S]*1\s+action/);
    await checkPage(op, 'path-11-dashboard', look);

    // --- The map: the territory's outline and the located contribution, with no tiles reachable.
    await op.getByTestId('diagnosis-nav-map').click();
    await op.locator('[data-testid="map"] .leaflet-overlay-pane path').first().waitFor();
    await op.getByTestId('map-no-tiles').waitFor();
    // The outline, and around it the neighbours of el Raval in Ciutat Vella, named (no tile server here).
    await op.locator('[data-testid="map"] .map-area-label', { hasText: 'la Barceloneta' }).waitFor();
    const named = await op.locator('[data-testid="map"] .map-area-label').allInnerTexts();
    assert.deepEqual(named.sort(), ['Sant Pere, Santa Caterina i la Ribera', 'el Barri Gòtic', 'la Barceloneta'].sort(), 'el Raval\'s neighbours');
    assert.equal(await op.locator('[data-testid="map"] .leaflet-overlay-pane path').count(), 1 + named.length, 'the outline and the neighbours\'');
    assert.ok(await op.locator('[data-testid="map"] .map-place').count() >= 6, 'the directory\'s places in el Raval');
    assert.equal(await op.locator('[data-testid="map"] .leaflet-marker-pane .map-mark').count(), 1, 'one point, drawn by its kind');
    assert.match(await op.getByTestId('map-legend').innerText(), /Something we need \(1\)[\s\S]*neighbouring areas[\s\S]*directory of organisations/);
    await op.getByTestId('map-list').getByText('no lift').waitFor();
    await checkPage(op, 'path-12-map', look);

    // --- No dead ends: every search result of this diagnosis opens its own page, on a phone, saying which
    // diagnosis it belongs to (contributions, findings and actions have pages of their own).
    const byKind = {};
    for (const q of ['lift', 'volunteers']) {
      const found = await res.api.get(`/search?q=${encodeURIComponent(q)}&perPage=50`);
      for (const h of found.hits) if (['contribution', 'finding', 'action'].includes(h.kind)) byKind[h.kind] ??= h.url;
    }
    assert.deepEqual(Object.keys(byKind).sort(), ['action', 'contribution', 'finding'], `search finds each kind: ${JSON.stringify(byKind)}`);
    for (const [kind, link] of Object.entries(byKind)) {
      await rp.goto(server.base + link);
      await rp.getByTestId('record-diagnosis').getByRole('link', { name: 'Com vivim al Raval Nord' }).waitFor();
      assert.notEqual(await rp.getByRole('heading', { level: 1 }).innerText(), 'Page not found');
      await checkPage(rp, `path-record-${kind}`, { ...look, widths: [360] });
    }
    await rp.goto(server.base + byKind.finding);
    await rp.getByText('Buildings without lifts').first().waitFor();
    await rp.getByRole('link', { name: 'Open this contribution' }).first().click(); // the finding leads back to its evidence
    await rp.getByTestId('record-diagnosis').waitFor();
    assert.match(rp.url(), /\/contributions\//);
    // People talk under a contribution.
    await rp.getByTestId('comment-text').fill('The lift was promised two years ago.');
    await rp.getByTestId('comment-send').click();
    await rp.getByTestId('comments').getByText('The lift was promised two years ago.').waitFor();
    await checkPage(rp, 'path-record-comments', { ...look, widths: [360] });

    // --- Territories: the tree and one neighbourhood with its outline.
    await op.goto(`${server.base}/territories`);
    await op.getByTestId('territory-tree').getByRole('link', { name: 'el Raval' }).click();
    await op.getByRole('heading', { level: 1, name: 'el Raval' }).waitFor();
    await op.locator('[data-testid="map"] .leaflet-overlay-pane path').first().waitFor();
    await op.getByRole('link', { name: 'Com vivim al Raval Nord' }).waitFor();
    await checkPage(op, 'path-13-territory', look);
    await op.goto(`${server.base}/territories`);
    await op.getByTestId('territory-tree').waitFor();
    await checkPage(op, 'path-14-territories', look);

    await res.ctx.close();
    await org.ctx.close();
  });

  it('lets a platform admin add a territory, refusing a bad outline with the server\'s words', async () => {
    const admin = await context(1280, { email: 'admin@example.org', password: 'teixit-admin-demo-2026' });
    const p = admin.page;
    await p.goto(`${server.base}/territories`);
    await p.getByRole('heading', { level: 2, name: 'Add an area' }).waitFor();
    await p.getByLabel('Name', { exact: true }).fill('Illa de prova');
    await p.getByLabel('Kind of area').selectOption('other');
    await p.getByLabel('Inside').selectOption({ label: 'el Raval' });
    await p.getByLabel('Outline (GeoJSON, if you have it)').fill('{"type":"Point","coordinates":[2.17,41.38]}');
    await p.getByRole('button', { name: 'Save' }).click();
    await p.getByTestId('error-summary').filter({ hasText: 'Polygon' }).waitFor();
    await checkPage(p, 'path-15-territory-error', look);
    const ring = [[2.166, 41.379], [2.168, 41.379], [2.168, 41.381], [2.166, 41.381], [2.166, 41.379]];
    await p.getByLabel('Outline (GeoJSON, if you have it)').fill(JSON.stringify({ type: 'Polygon', coordinates: [ring] }));
    await p.getByRole('button', { name: 'Save' }).click();
    await p.getByTestId('territory-tree').getByRole('link', { name: 'Illa de prova' }).click();
    await p.getByRole('heading', { level: 1, name: 'Illa de prova' }).waitFor();
    await p.getByTestId('territory-level').filter({ hasText: 'part of: el Raval' }).waitFor();
    assert.match(await p.getByTestId('territory-level').innerText(), /^\S.* · part of: el Raval$/, 'a space on each side of the separator');
    await p.locator('[data-testid="map"] .leaflet-overlay-pane path').first().waitFor();
    await admin.ctx.close();
  });

  it('draws the map under the real Content-Security-Policy', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 800 }, bypassCSP: true });
    const page = await ctx.newPage();
    const blocked = [];
    page.on('console', (m) => /Content Security Policy|Refused/i.test(m.text()) && blocked.push(m.text()));
    const d = (await (await ctx.request.get(`${server.base}/api/v1/diagnoses?limit=5`)).json()).items[0];
    await page.goto(`${server.base}/diagnoses/${d.id}/map`);
    await page.locator('[data-testid="map"] .leaflet-overlay-pane path').first().waitFor();
    assert.deepEqual(blocked, []);
    await ctx.close();
  });
});

describe('diagnosis map with a tile server that cannot be reached', () => {
  let server;
  let browser;

  before(async () => {
    // Port 9 (discard) on loopback: nothing answers, as when a phone has no internet or the tile server is down.
    server = await startServer({ TEIXIT_MAP_TILES: 'http://127.0.0.1:9/{z}/{x}/{y}.png', TEIXIT_MAP_ATTRIBUTION: '© Test tiles' }, { seed: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('still draws the outline and the points, and credits the tiles', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 800 }, bypassCSP: true });
    const page = await ctx.newPage();
    const d = (await (await ctx.request.get(`${server.base}/api/v1/diagnoses?limit=5`)).json()).items[0];
    await page.goto(`${server.base}/diagnoses/${d.id}/map`);
    const paths = page.locator('[data-testid="map"] .leaflet-overlay-pane path');
    await paths.first().waitFor();
    await page.locator('[data-testid="map"] .leaflet-tile-pane img').first().waitFor({ state: 'attached' });
    await page.getByText('© Test tiles').waitFor();
    assert.equal(await page.getByTestId('map-no-tiles').count(), 0);
    const listed = await page.getByTestId('map-list').locator('li').count();
    assert.ok(listed > 0, 'the seed has located contributions');
    // The same context as with no tiles: the neighbours outlined and named, with the same legend.
    await page.locator('[data-testid="map"] .map-area-label', { hasText: 'el Barri Gòtic' }).waitFor();
    assert.equal(await paths.count(), 1 + await page.locator('[data-testid="map"] .map-area-label').count(), 'the outline and the neighbours\'');
    assert.match(await page.getByTestId('map-legend').innerText(), /neighbouring areas/);
    assert.equal(await page.locator('[data-testid="map"] .leaflet-marker-pane .map-mark').count(), listed, 'one mark per located contribution');
    await checkPage(page, 'map-tiles-legend', { widths: [360] });

    // The open data's GeoJSON passes a strict third-party RFC 7946 checker, the diagnosis's and its territory's network.
    for (const path of [`/api/v1/diagnoses/${d.id}/export.geojson`, `/api/v1/territories/${d.territoryId}/network.geojson`]) {
      const res = await ctx.request.get(server.base + path);
      assert.equal(res.status(), 200, path);
      const text = await res.text();
      assert.doesNotThrow(() => checkGeoJSON(text), (e) => `${path}: ${e.message}`);
      assert.equal(JSON.parse(text).type, 'FeatureCollection', path);
    }
    await ctx.close();
  });
});
