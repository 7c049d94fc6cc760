// The whole good-practice path in two browsers, against the real server: a professional of centre A writes a
// practice in the editor (autosave, a failed save kept on the device and sent after a reload, "what is
// missing" on publish, a refused and an accepted attachment), publishes it, edits it into version 2 and
// translates it; a professional of centre B adopts it and moves it stage by stage to evaluated; centre A sees
// where it went on the practice page, has notifications and replies; centre B cannot edit A's practice; archiving
// asks twice. axe-core runs on every page at 1280 and 360 px, with no sideways scroll, and each is photographed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DESKTOP, checkPage, launchBrowser, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

const TITLE = 'Breakfast club for older neighbours';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('good-practice path: publish, adopt, evaluate', () => {
  let server;
  let browser;
  let shots;
  const a = {};
  const b = {};
  let practiceUrl = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    shots = screenshotDir();
    console.log(`# screenshots in ${shots}`);
    const stamp = Date.now().toString(36);
    for (const [who, name, org] of [[a, 'Ana Puig', 'Centre A Gràcia'], [b, 'Bernat Soler', 'Centre B Sants']]) {
      who.ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', bypassCSP: true, reducedMotion: 'reduce' });
      who.ctx.setDefaultTimeout(60_000);
      const { post } = await signUpViaApi(who.ctx, server.base, { email: `${name.split(' ')[0].toLowerCase()}.${stamp}@example.org`, name });
      who.post = post;
      who.org = await post('/organisations', { name: org, kind: 'services_centre', description: 'A neighbourhood social-services centre.' });
      who.page = await who.ctx.newPage();
      who.page.on('pageerror', (err) => assert.fail(`${name}: page error: ${err.message}`));
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const saved = (page) => page.getByTestId('pe-save-status').getByText(/^Saved at \d/).waitFor();

  it('centre A writes the practice: autosave, a failed save kept on the device, what is missing, attachments, publish', async () => {
    const page = a.page;
    await page.goto(server.base + '/practices');
    await page.getByTestId('practice-new-link').click();
    await page.getByRole('heading', { level: 1, name: 'Write a practice' }).waitFor();
    await checkPage(page, 'path-new');
    await page.getByTestId('pn-lang').selectOption('en');
    await page.getByTestId('pn-title').fill(TITLE);
    await page.getByTestId('pn-create').click();
    await page.getByRole('heading', { level: 1, name: `Edit: ${TITLE}` }).waitFor();
    practiceUrl = page.url().replace(/\/edit$/, '');

    // Publishing a draft with only a title lists what is missing, each linked to its field.
    await page.getByTestId('pe-publish').click();
    const summary = page.getByTestId('error-summary');
    await summary.getByText('The practice cannot be published yet').waitFor();
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'error-summary');
    for (const label of ['In short', 'The problem', 'For whom', 'Themes', 'Steps', 'Results', 'Evaluation', 'Contact']) {
      await summary.getByRole('link', { name: new RegExp(`^${label}:`) }).waitFor();
    }
    await summary.getByRole('link', { name: /^In short:/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'pe-summary');
    await checkPage(page, 'path-editor-missing');

    // Autosave: the text reaches the server a moment after typing, and says when in words.
    await page.getByTestId('pe-summary').fill('Neighbours over 75 share **breakfast** twice a week at the centre.');
    await saved(page);
    await page.getByTestId('pe-summary-preview-toggle').click();
    assert.equal(await page.getByTestId('pe-summary-preview').locator('strong').textContent(), 'breakfast');

    // A save that fails says so and keeps the text on this device; after a reload it comes back and is saved.
    await page.route('**/api/v1/practices/*', (route) => (route.request().method() === 'PATCH' ? route.abort() : route.continue()));
    await page.getByTestId('pe-problem').fill('Many older people living alone eat alone and speak to nobody for days.');
    await page.getByTestId('pe-save-status').getByText('Not saved.').waitFor();
    await page.unroute('**/api/v1/practices/*');
    await page.reload();
    await page.getByTestId('pe-restored').waitFor();
    assert.equal(await page.getByTestId('pe-problem').inputValue(), 'Many older people living alone eat alone and speak to nobody for days.');
    await saved(page);
    await page.reload();
    assert.equal(await page.getByTestId('pe-problem').inputValue(), 'Many older people living alone eat alone and speak to nobody for days.');
    assert.equal(await page.getByTestId('pe-restored').count(), 0);

    await page.getByTestId('pe-target').fill('People over 75 living alone in the neighbourhood');
    await page.getByTestId('pe-theme-ageing_loneliness').check();
    await page.getByTestId('pe-step-add').click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'pe-step-0-title');
    await page.getByTestId('pe-step-0-title').fill('Find a room and two volunteers');
    await page.getByTestId('pe-step-0-detail').fill('The community room of the centre on Tuesdays and Fridays.');
    await page.getByTestId('pe-step-add').click();
    await page.getByTestId('pe-step-1-title').fill('Invite people through the home-care team');
    await page.getByTestId('pe-people').fill('Two volunteers and one social educator');
    await page.getByTestId('pe-results').fill('32 regular participants after six months.');
    await page.getByTestId('pe-evaluation').fill('Loneliness scale before and after six months.');
    await page.getByTestId('pe-indicator-add').click();
    await page.getByTestId('pe-indicator-0-name').fill('Regular participants');
    await page.getByTestId('pe-indicator-0-value').fill('32');
    await page.getByTestId('pe-contact').fill('breakfast@centre-a.example.org');

    // Attachments: a refused type is explained, a PDF is attached.
    await page.getByTestId('pe-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes') });
    await page.getByTestId('pe-file-error').getByText('“notes.txt” cannot be attached').waitFor();
    await page.getByTestId('pe-file').setInputFiles({ name: 'evaluation.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByTestId('pe-files').getByRole('link', { name: 'evaluation.pdf' }).waitFor();
    await saved(page);
    await checkPage(page, 'path-editor');

    await page.getByTestId('pe-publish').click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByRole('link', { name: 'evaluation.pdf' }).waitFor();
    await page.getByTestId('practice-shown-in').getByText('Shown in English, the language it was written in.').waitFor();
    await checkPage(page, 'path-practice-published');
  });

  it('centre A edits the published practice into version 2, sees the diff in words, and translates it', async () => {
    const page = a.page;
    await page.getByTestId('practice-edit').click();
    await page.getByTestId('pe-results').waitFor();
    await page.getByTestId('pe-results').fill('40 regular participants after a year.');
    await page.getByTestId('pe-save').click();
    await page.getByTestId('pe-save-status').getByText(/^Saved at/).waitFor();
    await page.getByTestId('pe-view').click();
    await page.getByTestId('practice-history').getByRole('link', { name: /^Version 2,/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Version 2: what changed' }).waitFor();
    const results = page.getByTestId('diff-field').filter({ has: page.getByRole('heading', { name: 'Results' }) });
    assert.match(await results.locator('del').textContent(), /^−Removed: 32 regular participants after six months\.$/);
    assert.match(await results.locator('ins').textContent(), /^\+Added: 40 regular participants after a year\.$/);
    await checkPage(page, 'path-version-diff');

    await page.goto(practiceUrl);
    await page.getByTestId('practice-translate-es').click();
    await page.getByTestId('tr-title').fill('Club de desayunos para vecinos mayores');
    await page.getByTestId('tr-summary').fill('Vecinos de más de 75 años comparten el desayuno dos veces por semana.');
    await page.getByTestId('tr-step-0-title').fill('Buscar una sala y dos voluntarios');
    await checkPage(page, 'path-translation');
    await page.getByTestId('tr-save').click();
    await page.getByRole('heading', { level: 1, name: 'Club de desayunos para vecinos mayores' }).waitFor();
    await page.getByTestId('practice-shown-in').getByText('Shown in Spanish, a translation. It was written in English.').waitFor();
    assert.equal(await page.getByTestId('practice-content').getAttribute('lang'), 'es');
    await page.getByTestId('practice-translation').selectOption('en');
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  });

  it('centre B adopts the practice, follows it and moves it stage by stage to evaluated', async () => {
    const page = b.page;
    await page.goto(practiceUrl);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByTestId('follow-practice').click();
    await page.getByTestId('follows').getByText('You follow this practice.').waitFor();
    // Centre B cannot edit centre A's practice: no edit link, and the editor says who can.
    assert.equal(await page.getByTestId('practice-edit').count(), 0);
    await page.goto(practiceUrl + '/edit');
    await page.getByTestId('pe-cannot-edit').waitFor();
    await page.goBack();
    await page.getByTestId('practice-adopt').click();
    await page.getByRole('heading', { level: 1, name: 'Adopt this practice' }).waitFor();
    await page.getByTestId('adopt-org').selectOption({ label: 'Centre B Sants' });
    await page.getByTestId('adopt-note').fill('We will run it once a week, with the lunch-time volunteers.');
    await checkPage(page, 'path-adopt');
    await page.getByTestId('adopt-submit').click();
    await page.getByRole('heading', { level: 1, name: 'Adoption by Centre B Sants' }).waitFor();
    await page.getByTestId('transfer-status').getByText('Now: interested.').waitFor();
    await checkPage(page, 'path-transfer-interested');

    // Only the next stage is offered, one at a time.
    for (const stage of ['planning it', 'putting it into practice']) {
      const move = page.getByTestId('transfer-move');
      assert.equal(await move.count(), 1);
      assert.equal(await move.textContent(), `Move on to: ${stage}`);
      await move.click();
      await page.getByTestId('transfer-status').getByText(`Now: ${stage}.`).waitFor();
    }
    await page.getByTestId('tu-text').fill('First two breakfasts done: 9 people came.');
    await page.getByTestId('tu-send').click();
    await page.getByTestId('transfer-updates').getByText('First two breakfasts done: 9 people came.').waitFor();

    // Evaluated needs a rating and lessons.
    await page.getByTestId('transfer-move').click();
    await page.getByTestId('error-summary').getByRole('link', { name: /Choose a rating/ }).waitFor();
    await page.getByTestId('tn-rating-4').check();
    await page.getByTestId('tn-lessons').fill('Ask the home-care team to bring people the first time.');
    await checkPage(page, 'path-transfer-outcome-form');
    await page.getByTestId('transfer-move').click();
    await page.getByTestId('transfer-status').getByText('Now: done and evaluated.').waitFor();
    assert.equal(await page.getByTestId('transfer-next').count(), 0);
    assert.match(await page.getByTestId('transfer-stepper').textContent(), /done and evaluated\s*done on/);
    await page.getByTestId('transfer-outcome').getByText('rated 4 out of 5').waitFor();
    await checkPage(page, 'path-transfer-evaluated');
  });

  it('centre A sees where the practice went, has notifications and replies', async () => {
    const page = a.page;
    await page.goto(practiceUrl);
    const tr = page.getByTestId('practice-transfer');
    await tr.getByRole('link', { name: 'Centre B Sants' }).waitFor();
    await tr.getByText('done and evaluated').first().waitFor();
    await tr.getByText('rated 4 out of 5').waitFor();
    await tr.getByText('Ask the home-care team to bring people the first time.').waitFor();
    await page.getByTestId('practice-transfers').getByText('Adopted by 1 organisation; 1 evaluated it. Average rating: 4 of 5.').waitFor();
    const unread = Number((await page.getByTestId('nav-unread').textContent()).match(/\d+/)[0]);
    assert.ok(unread >= 4, `unread count ${unread}`);
    await checkPage(page, 'path-practice-transferred');

    await page.getByTestId('nav-notifications').click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByTestId('notif-list').getByText(`An organisation adopts “${TITLE}”`).waitFor();
    await page.getByTestId('notif-list').getByText(`“${TITLE}”: an organisation has evaluated it`).waitFor();
    await checkPage(page, 'path-notifications');
    await page.getByTestId('notif-list').getByRole('link', { name: `“${TITLE}”: an organisation has evaluated it` }).click();
    await page.getByRole('heading', { level: 1, name: 'Adoption by Centre B Sants' }).waitFor();
    assert.equal(await page.getByTestId('transfer-next').count(), 0);
    await page.getByLabel('Your reply').fill('Thank you! Good idea about the home-care team.');
    await page.getByTestId('tu-send').click();
    await page.getByTestId('transfer-updates').getByText('Reply from Centre A Gràcia').waitFor();
    await checkPage(page, 'path-transfer-origin');

    // An anonymous visitor reads the adoption's page; its updates are the two centres' own, and the page does
    // not even ask for them (no refused request in the console).
    const anonCtx = await browser.newContext();
    const anon = await anonCtx.newPage();
    const refused = [];
    anon.on('response', (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`); });
    await anon.goto(page.url());
    await anon.getByRole('heading', { level: 1, name: 'Adoption by Centre B Sants' }).waitFor();
    await anon.getByTestId('transfer-updates').getByText(/only/i).waitFor();
    assert.deepEqual(refused, [], 'no request refused');
    await anonCtx.close();

    await page.getByTestId('nav-notifications').click();
    await page.getByTestId('notif-read-all').click();
    await page.getByTestId('notif-unread').getByText('You have 0 new notifications.').waitFor();
    assert.equal(await page.getByTestId('nav-unread').count(), 0);
  });

  it('centre A finds its drafts in the list; a related practice shows on the practice page; archiving makes it read-only', async () => {
    const page = a.page;
    const draft = await a.post('/practices', {
      title: 'Phone calls to older neighbours living alone', language: 'en',
      summary: 'Volunteers call every week.', problem: 'Loneliness at home.',
      context: { organisationId: a.org.id, targetPopulation: 'People over 75 living alone' },
      themes: ['ageing_loneliness'], steps: [{ title: 'Make a list of people who want a call', detail: '' }],
      results: 'Fifty people called every week.', evaluation: { summary: 'A short survey.' }, contact: 'calls@centre-a.example.org',
    });
    await page.goto(server.base + '/practices');
    await page.getByTestId('practice-status').selectOption('draft');
    await page.getByTestId('practice-filter-apply').click();
    await page.getByTestId('practice-list').getByRole('link', { name: 'Phone calls to older neighbours living alone' }).waitFor();
    await checkPage(page, 'path-list-drafts');
    // Search finds the centre's own draft too, marked as a draft.
    await page.goto(server.base + '/search?q=' + encodeURIComponent('older neighbours calls'));
    const hit = page.getByTestId('search-result').filter({ hasText: 'Phone calls to older neighbours living alone' });
    await hit.getByTestId('search-result-draft').waitFor();
    assert.match(await hit.getByTestId('search-result-draft').innerText(), /Draft/);
    await checkPage(page, 'path-search-draft');
    await a.post(`/practices/${draft.id}/publish`, {});
    await page.goto(practiceUrl);
    await page.getByTestId('practice-related').getByRole('link', { name: 'Phone calls to older neighbours living alone' }).click();

    // Archiving asks once more, then the practice is read-only.
    await page.getByTestId('practice-edit').click();
    await page.getByTestId('pe-archive').click();
    await page.getByTestId('pe-archive-confirm').click();
    await page.getByTestId('practice-status').getByText('This practice is archived').waitFor();
    assert.equal(await page.getByTestId('practice-edit').count(), 0);
  });

  it('lists by most adopted and best rated, with the Atom feed announced', async () => {
    const page = b.page;
    await page.goto(server.base + '/practices');
    await page.getByTestId('practice-sort').selectOption('rated');
    await page.getByTestId('practice-filter-apply').click();
    await page.getByTestId('practice-list').getByRole('link', { name: TITLE }).waitFor();
    assert.equal(await page.locator('head link[rel=alternate][type="application/atom+xml"]').first().getAttribute('href'), '/feeds/practices.atom');
    const feed = await (await fetch(server.base + '/feeds/practices.atom?theme=ageing_loneliness')).text();
    assert.ok(feed.includes(TITLE), 'the theme feed lists the practice');
  });
});
