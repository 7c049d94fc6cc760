// The journeys of a diagnosis walked to their end in the readers' own languages, at 360 and 1280 px, axe
// clean on every page: a resident who reads Catalan follows the diagnosis she contributed to, is told her
// contribution was published and opens it from the notice, reports a comment under it and is told the
// outcome; an organiser who reads Spanish sees the report with its reason in the web app and hides the
// comment; the phase dates, the map (neighbours named, a legend) and the dashboard's weeks read in words.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, openSignedInPage, screenshotDir, startServer } from './harness.mjs';

const JORDI = { email: 'jordi@example.org', password: 'servei-social-prop-2026' }; // a professional of the association
const MONTSE = { email: 'montse@example.org', password: 'habitatge-digne-2026' }; // the association's admin
const PILAR = { email: 'pilar@example.org', password: 'veina-del-barri-2026' }; // resident

describe('a diagnosis in the readers\' languages', () => {
  let server;
  let browser;
  const shots = screenshotDir();

  before(async () => {
    server = await startServer({}, { seed: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // A person signed in with their account in `lang` and a browser that asks for it too.
  async function person(who, lang, width) {
    const p = await openSignedInPage(browser, server.base, width, who, lang);
    p.page.on('pageerror', (e) => assert.fail(`page error (${who.email}): ${e.message}`));
    return p;
  }

  it('is followed, told and moderated to the end, in Catalan and Spanish', async () => {
    const jordi = await person(JORDI, 'ca', 1280);
    const montse = await person(MONTSE, 'es', 1280); // her account set to Spanish: the organiser who reads Spanish
    const pilar = await person(PILAR, 'ca', 360);
    const assoc = (await jordi.api.get('/organisations?limit=50')).items.find((o) => o.name === 'Associació Veïnal del Raval Nord');
    const raval = (await jordi.api.get('/territories')).items.find((x) => x.name === 'el Raval');
    const d = await jordi.api.post('/diagnoses', {
      title: 'La plaça i els carrers del Raval', description: 'Què necessitem i què tenim als carrers i les places.',
      territoryId: raval.id, organisationIds: [assoc.id], themes: ['public_space'],
      schedule: [{ name: 'gathering', start: '2026-12-01', end: '2026-12-20' }],
      settings: { preModeration: true },
    });
    const url = `${server.base}/diagnoses/${d.id}`;

    // Pilar contributes; she follows the diagnosis from then on, and the page says so and lets her stop.
    const mine = await pilar.api.post(`/diagnoses/${d.id}/contributions`, {
      kind: 'need', theme: 'public_space', text: 'A la plaça no hi ha ombra i a l\'estiu la gent gran no hi pot seure.',
      point: { lat: 41.3797, lon: 2.1683 },
    });
    const p = pilar.page;
    await p.goto(url);
    await p.getByRole('heading', { level: 1, name: 'La plaça i els carrers del Raval' }).waitFor();
    await p.getByTestId('follows').getByText('Segueixes aquesta diagnosi.').waitFor();
    assert.match(await p.getByTestId('follow-diagnosis').innerText(), /Deixa de seguir aquesta diagnosi/);
    // The phase's dates in words, in Catalan.
    assert.match(await p.getByTestId('diagnosis-phase-dates').first().innerText(), /desembre/);
    await checkPage(p, 'i18n-01-diagnosis-ca', { shots });

    // The organiser publishes it; she is told, in Catalan, and the notice opens her contribution's page.
    await jordi.api.post(`/contributions/${mine.id}/moderation`, { action: 'publish' });
    await p.goto(`${server.base}/notifications`);
    const notice = p.getByTestId('notif-list').getByRole('link', { name: /La teva aportació s'ha publicat/ });
    await notice.waitFor();
    await checkPage(p, 'i18n-02-notifications-ca', { shots });
    await notice.click();
    await p.waitForURL(`**/diagnoses/${d.id}?contribution=${mine.id}`);
    await p.getByText('A la plaça no hi ha ombra').first().waitFor();
    await checkPage(p, 'i18n-03-contribution-ca', { shots });

    // Someone comments under it; she reports the comment, saying why, in her words.
    const c = await jordi.api.post(`/contributions/${mine.id}/comments`, { text: 'Compreu ventalls i deixeu de queixar-vos.' });
    await p.goto(`${server.base}/contributions/${mine.id}`);
    const comment = p.getByTestId('comments').locator('li').filter({ hasText: 'Compreu ventalls' });
    await comment.getByTestId('comment-report').click();
    await p.getByTestId('comment-report-why').fill('És una falta de respecte cap a la gent gran.');
    await p.getByTestId('comment-report-send').click();
    // She is told, in her language, through the page's live region.
    await p.getByTestId('live-region').filter({ hasText: 'Gràcies. Els moderadors ho miraran.' }).waitFor({ state: 'attached' });
    await checkPage(p, 'i18n-04-reported-ca', { shots });

    // The organiser, in Spanish, sees the report and its reason in the web app, and hides the comment.
    const o = montse.page;
    await o.goto(`${server.base}/contributions/${mine.id}`);
    const moderation = o.getByTestId('comments-moderation');
    await moderation.getByText('És una falta de respecte cap a la gent gran.').waitFor();
    assert.match(await moderation.innerText(), /Lo que han dicho las personas que lo han denunciado/);
    await checkPage(o, 'i18n-05-moderation-es', { shots });
    await o.getByTestId('comment-hide-reason').fill('Falta al respeto a las personas mayores.');
    await o.getByTestId('comment-hide').click();
    await o.getByTestId('comment-hidden').filter({ hasText: 'Compreu ventalls' }).waitFor();
    assert.equal(await o.getByTestId('comments').locator('ul.comments .comment-text').filter({ hasText: 'Compreu ventalls' }).count(), 0, 'hidden from the list');
    const hidden = (await montse.api.get(`/contributions/${mine.id}/comments?status=hidden`)).items;
    assert.deepEqual(hidden.map((x) => x.id), [c.id]);

    // She is told the outcome of her report.
    await p.goto(`${server.base}/notifications`);
    await p.getByTestId('notif-list').locator('li').filter({ hasText: /denúncia|denunciat|revisat/i }).first().waitFor();

    // The map: the neighbours of el Raval named, the legend, in Catalan; the dashboard's weeks in words.
    await p.goto(`${url}/map`);
    await p.locator('[data-testid="map"] .map-area-label', { hasText: 'el Barri Gòtic' }).waitFor();
    assert.match(await p.getByTestId('map-legend').innerText(), /Una cosa que ens cal \(1\)|\(1\)[\s\S]*Línia grisa de punts/);
    await checkPage(p, 'i18n-06-map-ca', { shots, idle: false });
    await p.goto(`${url}/dashboard`);
    await p.getByTestId('dashboard-summary').waitFor();
    assert.match(await p.locator('main').innerText(), /Setmana del \d+ d(e |')\p{L}+/u);
    assert.doesNotMatch(await p.locator('main').innerText(), /\d{4}-W\d{2}|\d{4}-\d{2}-\d{2}/, 'no ISO weeks or dates');
    await checkPage(p, 'i18n-07-dashboard-ca', { shots });

    await jordi.ctx.close();
    await montse.ctx.close();
    await pilar.ctx.close();
  });
});
