// Good practices in the browser, against the real server: a centre's practice is written and published through
// the API, then the list shows it (filter by theme, order), the practice page shows the structured record with
// its rendered Markdown, and axe-core runs on both pages at 1280 and 360 px with no sideways scroll.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkPage, launchBrowser, openPage, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

describe('good practices in the browser', () => {
  let server;
  let browser;
  let ctx;
  let page;
  let shots;
  let practiceId;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    shots = screenshotDir();
    page = await openPage(browser);
    ctx = page.context();
    console.log(`# screenshots in ${shots}`);
    await seed();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function seed() {
    const { post } = await signUpViaApi(ctx, server.base, { email: `ana.${Date.now().toString(36)}@example.org`, name: 'Ana Puig' });
    const org = await post('/organisations', { name: 'Centre de Serveis Socials A', kind: 'services_centre', description: 'Un centre de serveis socials de barri.' });
    const draft = await post('/practices', {
      title: "Sessió grupal d'acollida",
      summary: 'Una **primera acollida** en grup per a persones que arriben al centre.',
      problem: "Les llistes d'espera per a la primera entrevista eren llargues.",
      context: { organisationId: org.id, targetPopulation: 'Persones que demanen cita per primer cop' },
      themes: ['digital_divide', 'coexistence'],
      steps: [{ title: 'Convocatòria setmanal', detail: 'Cada dilluns' }, { title: 'Sessió de 90 minuts', detail: 'Informació i torn de preguntes' }],
      resources: { people: 'Dues professionals', time: '3 hores setmanals', budget: 'Cap' },
      results: 'La primera atenció passa de 6 a 2 setmanes.',
      evidence: 'Registre de cites del centre.',
      evaluation: { summary: 'Avaluació semestral', indicators: [{ name: "Dies d'espera", value: '14' }] },
      contact: 'acollida@example.org',
      language: 'ca',
    });
    practiceId = draft.id;
    await post(`/practices/${practiceId}/publish`, {});
  }

  it('lists published practices, filters by theme and opens one', async () => {
    await page.goto(server.base + '/');
    await page.getByTestId('nav-practices').click();
    await page.getByRole('heading', { level: 1, name: 'Good practices' }).waitFor();
    await page.getByTestId('practice-list').getByRole('link', { name: "Sessió grupal d'acollida" }).waitFor();
    assert.equal(await page.getByTestId('practice-feed').getAttribute('href'), '/feeds/practices.atom');
    // The open data the page offers downloads as a spreadsheet reads it: UTF-8 with a BOM, the practice in it.
    const csvHref = await page.getByTestId('practice-open-data').getByRole('link', { name: /CSV/ }).getAttribute('href');
    const csv = await page.request.get(server.base + csvHref);
    const bytes = await csv.body();
    assert.equal(csv.status(), 200);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with a byte-order mark');
    assert.match(bytes.toString('utf8'), /Sessió grupal d'acollida/);
    await checkPage(page, 'practices');

    await page.getByTestId('practice-theme').selectOption('housing');
    await page.getByTestId('practice-filter-apply').click();
    await page.getByTestId('practice-empty').waitFor();
    await page.getByTestId('practice-theme').selectOption('coexistence');
    await page.getByTestId('practice-sort').selectOption('transferred');
    await page.getByTestId('practice-filter-apply').click();
    await page.getByTestId('practice-list').getByRole('link', { name: "Sessió grupal d'acollida" }).click();

    await page.getByRole('heading', { level: 1, name: "Sessió grupal d'acollida" }).waitFor();
    assert.equal(await page.getByTestId('practice-content').getAttribute('lang'), 'ca');
    // The summary's Markdown arrives as sanitised HTML and is shown as such.
    assert.equal(await page.locator('.practice-body strong').first().textContent(), 'primera acollida');
    assert.equal(await page.getByTestId('practice-steps').locator('> li').count(), 2);
    await page.getByTestId('practice-transfers').getByText('No organisation has adopted it yet.').waitFor();
    await checkPage(page, 'practice');

    // Comments: one, then a reply to it, then a report; the replies sit under their comment.
    await page.getByTestId('comment-send').click();
    await page.getByText('Write something before sending.').waitFor();
    await page.getByTestId('comment-text').fill('Ho provarem al nostre centre.');
    await page.getByTestId('comment-send').click();
    await page.getByTestId('comments').getByText('Ho provarem al nostre centre.').waitFor();
    await page.getByTestId('comment-reply').first().click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'comment-text');
    await page.getByLabel('Your reply to Ana Puig').fill('Endavant!');
    await page.getByTestId('comment-send').click();
    await page.locator('.replies').getByText('Endavant!').waitFor();
    await page.reload();
    await page.locator('.replies').getByText('Endavant!').waitFor();
    await checkPage(page, 'practice-comments');

    // A report says what is wrong; the organisation's admin reads it among the comments to review and hides it.
    await page.locator('.replies').getByTestId('comment-report').click();
    await page.getByTestId('comment-report-why').fill('It has nothing to do with the practice.');
    await page.getByTestId('comment-report-send').click();
    await page.getByTestId('live-region').filter({ hasText: /./ }).waitFor();
    await page.reload();
    const review = page.getByTestId('comments-moderation');
    await review.getByTestId('comment-reported').getByText('It has nothing to do with the practice.', { exact: false }).waitFor();
    await checkPage(page, 'practice-comments-moderation');
    await review.getByTestId('comment-hide').click();
    await review.getByText('Write why it is hidden.').waitFor();
    await review.getByTestId('comment-hide-reason').fill('Off topic');
    await review.getByTestId('comment-hide').click();
    await review.getByTestId('comment-hidden').getByText('Endavant!').waitFor();
    assert.equal(await page.locator('.replies').getByText('Endavant!').count(), 0, 'hidden from the list');
    await review.getByTestId('comment-publish').click();
    await page.locator('.replies').getByText('Endavant!').waitFor();
  });
});
