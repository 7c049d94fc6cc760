// "Find anything" in the browser, against the real server: organisations written in Catalan, Spanish and Italian
// and an exchange day are created through the API, then the header box suggests titles as you type (chosen with
// the keyboard), the results page finds inflected and unaccented words, filters change the count, and the empty
// and error states say what to do. axe-core runs at 1280 and 360 px, also with the suggestions open.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DESKTOP, checkPage, launchBrowser, openPage, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

const ORGS = [
  { key: 'raval', name: 'Associació Veïnal del Raval', kind: 'association',
    description: "Defensem el dret a un habitatge digne per a totes les famílies del barri. Fem assemblees obertes i promovem la participació de tothom." },
  { key: 'sostre', name: 'Cooperativa Sostre Comú', kind: 'housing_entity',
    description: "Una cooperativa d'habitatge en cessió d'ús: les sòcies decideixen juntes com viure i com cuidar l'edifici." },
  { key: 'lavapies', name: 'Asociación Vecinal de Lavapiés', kind: 'association',
    description: 'Trabajamos por una vivienda digna y por la participación de las vecinas y los vecinos en las decisiones del barrio.' },
  { key: 'rete', name: 'Rete Welfare di Comunità', kind: 'network',
    description: 'Una rete di associazioni e servizi sociali che sostiene gli anziani soli e la partecipazione dei cittadini alla vita del quartiere.' },
];

describe('search in the browser', () => {
  let server;
  let browser;
  let ctx;
  let page;
  let shots;
  const ids = {};

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

  /** Creates a user, the organisations and one exchange day through the API, with the context's cookies. */
  async function seed() {
    const { post } = await signUpViaApi(ctx, server.base, { email: `marta.${Date.now().toString(36)}@example.org`, name: 'Marta Soler' });
    for (const o of ORGS) ids[o.key] = (await post('/organisations', { name: o.name, kind: o.kind, description: o.description })).id;
    const start = new Date(Date.now() + 14 * 86_400_000);
    start.setUTCHours(16, 0, 0, 0);
    const day = await post('/exchange-days', {
      hostOrgId: ids.raval, title: "Jornada d'intercanvi: habitatge i barri",
      description: "Una tarda per compartir com afrontem els desnonaments i l'accés a l'habitatge al barri.",
      startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      agenda: [{ text: 'Què ens ha funcionat per aturar desnonaments?', minutes: 30 }],
    });
    ids.day = day.id;
    // More than one page of results (20 a page) for the same word.
    for (let i = 1; i <= 22; i++) {
      await post('/organisations', { name: `Casal del barri ${i}`, kind: 'association', description: 'Un casal obert a tothom, amb activitats cada tarda.' });
    }
  }

  const box = () => page.getByTestId('header-search-input');
  const live = () => page.getByTestId('live-region');
  const titles = () => page.getByTestId('search-result').locator('a.card-title').allTextContents();
  const countText = () => page.getByTestId('search-count').textContent();
  const count = async () => Number((await countText()).match(/\d+/)[0]);

  /** Types into the header box and submits it with Enter, then waits for the results heading. */
  async function searchFor(words) {
    await box().fill('');
    await box().fill(words);
    await box().press('Enter');
    await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === words);
    // The count of these words, not the previous search's (still on screen until the new answer comes).
    await page.waitForFunction((w) => {
      const esc = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const count = document.querySelector('[data-testid="search-count"]')?.textContent ?? '';
      return new RegExp(`(^|[^\\p{L}])${esc}([^\\p{L}]|$)`, 'u').test(count) || !!document.querySelector('[data-testid="search-error"]');
    }, words);
  }

  it('the header box suggests titles as you type; the keyboard chooses one', async () => {
    await page.goto(server.base + '/');
    await box().waitFor();
    assert.equal(await box().getAttribute('role'), 'combobox');
    assert.equal(await box().getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByLabel('What are you looking for?').count(), 1, 'the box has a label');
    await box().pressSequentially('Coop', { delay: 60 });
    const list = page.getByTestId('header-search-suggestions');
    await list.waitFor({ state: 'visible' });
    assert.equal(await box().getAttribute('aria-expanded'), 'true');
    assert.equal(await box().getAttribute('aria-controls'), await list.getAttribute('id'));
    const options = page.getByTestId('header-search-suggestion');
    assert.match(await options.first().textContent(), /Cooperativa Sostre Comú/);
    assert.match(await options.first().textContent(), /Organisation/, 'each suggestion says what it is');
    await checkPage(page, 'search-suggestions');
    await box().focus();
    await list.waitFor({ state: 'visible' });

    await box().press('ArrowDown');
    const activeId = await box().getAttribute('aria-activedescendant');
    assert.ok(activeId, 'the arrow key marks an option active');
    assert.equal(await page.locator(`#${activeId}`).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'header-search-input', 'focus stays in the box');
    await box().press('Escape');
    assert.equal(await box().getAttribute('aria-expanded'), 'false');
    await box().press('ArrowDown');
    assert.equal(await box().getAttribute('aria-expanded'), 'true', 'arrow down opens the list again');
    await box().press('Enter');
    await page.waitForURL(`**/organisations/${ids.sostre}`);
    await page.getByTestId('page-heading').filter({ hasText: 'Cooperativa Sostre Comú' }).waitFor();
  });

  it('an empty search page tells the person to type some words', async () => {
    await page.goto(server.base + '/search');
    await page.getByTestId('search-start').waitFor();
    assert.equal(await page.getByTestId('page-heading').textContent(), 'Search');
    await page.getByTestId('search-go-to-box').click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'header-search-input');
    await checkPage(page, 'search-start');
  });

  it('"habitatges" finds the organisation about "habitatge" (Catalan stemming), with marked fragments', async () => {
    await searchFor('habitatges');
    assert.match(await page.getByTestId('page-heading').textContent(), /habitatges/);
    assert.ok((await titles()).includes('Associació Veïnal del Raval'), `titles: ${await titles()}`);
    await live().filter({ hasText: /\d+ results? for “habitatges”/ }).waitFor();
    const raval = page.getByTestId('search-result').filter({ hasText: 'Associació Veïnal del Raval' });
    assert.ok(await raval.locator('.fragments mark').count() > 0, 'the matching words are marked');
    assert.ok(await raval.locator('.fragments[lang]').count() > 0, 'fragments carry their language');
    assert.equal(await raval.getByTestId('search-result-kind').textContent(), 'Organisation');
    assert.equal(await raval.locator('time').count(), 1);
    assert.equal(await box().inputValue(), 'habitatges', 'the box shows the words searched for');
    await checkPage(page, 'search-results');
  });

  it('"participacio" finds "participació" (accents do not matter)', async () => {
    await searchFor('participacio');
    assert.ok((await titles()).includes('Associació Veïnal del Raval'), `titles: ${await titles()}`);
  });

  it('a filter changes the URL and the count; Back goes to the previous results', async () => {
    await searchFor('habitatge');
    const all = await count();
    assert.ok(all >= 2, `at least the organisations and the exchange day: ${await titles()}`);
    const filter = page.getByTestId('search-filter-kind-exchange_day');
    assert.match(await page.locator(`label[for="${await filter.getAttribute('id')}"]`).textContent(), /Exchange day\s\(\d+\)/);
    await filter.check();
    await page.waitForURL((u) => u.searchParams.get('kind') === 'exchange_day');
    await page.waitForFunction((n) => {
      const m = document.querySelector('[data-testid="search-count"]')?.textContent?.match(/\d+/);
      return m && Number(m[0]) < n;
    }, all);
    assert.deepEqual(await titles(), ["Jornada d'intercanvi: habitatge i barri"]);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'search-filter-kind-exchange_day', 'focus stays on the box ticked');
    await live().filter({ hasText: /1 result for “habitatge”/ }).waitFor();
    await checkPage(page, 'search-filtered');

    // The other kinds stay on offer, with the count each would add: ticking one means "this or that".
    const orgs = page.getByTestId('search-filter-kind-organisation');
    assert.match(await page.locator('label[for="search-filter-kind-organisation"]').textContent(), /Organisation\s\(2\)/);
    await orgs.check();
    await page.waitForURL((u) => u.searchParams.get('kind') === 'exchange_day,organisation');
    await page.waitForFunction((n) => document.querySelector('[data-testid="search-count"]')?.textContent?.startsWith(`${n} `), all);
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('kind') === 'exchange_day');
    await page.waitForFunction(() => document.querySelector('[data-testid="search-count"]')?.textContent?.startsWith('1 '));

    // A shared link with a filter offers the other values too, once their counts arrive.
    await page.reload();
    await page.getByTestId('search-filter-kind-organisation').waitFor();

    await page.goBack();
    await page.waitForFunction((n) => document.querySelector('[data-testid="search-count"]')?.textContent?.includes(String(n)), all);
    assert.equal(new URL(page.url()).searchParams.get('kind'), null);

    // Newest first: the URL keeps the choice.
    await page.getByTestId('search-sort').focus();
    await page.getByTestId('search-sort').selectOption('date');
    await page.waitForURL((u) => u.searchParams.get('sort') === 'date');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-sort');

    // One year at a time: everything here was written this year, so the count stays.
    const year = String(new Date().getFullYear());
    await page.getByTestId(`search-filter-year-${year}`).check();
    await page.waitForURL((u) => u.searchParams.get('year') === year);
    await page.getByTestId('search-filters').locator('legend', { hasText: 'Year' }).waitFor();
    await page.waitForFunction((n) => document.querySelector('[data-testid="search-count"]')?.textContent?.startsWith(`${n} `), all);
    await page.getByTestId('search-filter-year-any').check();
    await page.waitForURL((u) => !u.searchParams.has('year'));
  });

  it('Previous and Next move between result pages; focus goes to the results heading', async () => {
    await searchFor('casal');
    assert.equal(await count(), 22);
    assert.equal(await page.getByTestId('search-result').count(), 20);
    assert.equal(await page.getByTestId('search-page-of').textContent(), 'Page 1 of 2');
    assert.equal(await page.getByTestId('search-prev').count(), 0);
    await page.getByTestId('search-next').click();
    await page.waitForURL((u) => u.searchParams.get('page') === '2');
    await page.getByTestId('search-page-of').filter({ hasText: 'Page 2 of 2' }).waitFor();
    assert.equal(await page.getByTestId('search-result').count(), 2);
    await page.waitForFunction(() => document.activeElement?.id === 'search-summary', null, { timeout: 10_000 });
    await checkPage(page, 'search-page-2');
    await page.getByTestId('search-prev').click();
    await page.waitForURL((u) => u.searchParams.get('page') === null);
    await page.getByTestId('search-page-of').filter({ hasText: 'Page 1 of 2' }).waitFor();
  });

  it('speaks the reader\'s language: Catalan labels and dates, for someone not logged in', async () => {
    const ca = await browser.newContext({ viewport: DESKTOP, locale: 'ca-ES', bypassCSP: true });
    ca.setDefaultTimeout(60_000);
    const p = await ca.newPage();
    await p.goto(`${server.base}/search?q=habitatge&kind=organisation`);
    await p.getByTestId('search-count').waitFor();
    assert.equal(await p.getByTestId('page-heading').textContent(), 'Resultats de «habitatge»');
    assert.match(await p.getByTestId('search-count').textContent(), /^2 resultats per a «habitatge»$/);
    assert.deepEqual(await p.getByTestId('search-result-kind').allTextContents(), ['Entitat', 'Entitat']);
    const time = p.getByTestId('search-result').first().locator('time');
    const expected = new Intl.DateTimeFormat('ca', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(await time.getAttribute('datetime')));
    assert.equal(await time.textContent(), expected);
    await checkPage(p, 'search-ca');
    await ca.close();
  });

  it('no results: says what to try and offers to remove the filters', async () => {
    await page.goto(server.base + '/search?q=xilofonista&kind=organisation');
    await page.getByTestId('search-none').waitFor();
    assert.equal(await count(), 0);
    await live().filter({ hasText: /0 results for “xilofonista”/ }).waitFor();
    await checkPage(page, 'search-none');
    await page.getByTestId('search-none-clear').click();
    await page.waitForURL((u) => u.pathname === '/search' && !u.searchParams.has('kind'));
    await page.getByTestId('search-none').waitFor();
    assert.equal(await page.getByTestId('search-none-clear').count(), 0);
    // The button went away with the filters: focus lands on the results heading instead of being lost.
    await page.waitForFunction(() => document.activeElement?.id === 'search-summary', null, { timeout: 10_000 });
  });

  it('words the server cannot search for show its message', async () => {
    await searchFor('?!');
    await page.getByTestId('search-error').waitFor();
    assert.equal(await page.getByTestId('search-error').getAttribute('data-kind'), 'query');
    assert.ok((await page.getByTestId('search-error-message').textContent()).length > 3);
    await checkPage(page, 'search-bad-words');
  });

  it('a network failure offers to try again', async () => {
    await page.route('**/api/v1/search?**', (route) => route.abort('internetdisconnected'));
    await searchFor('habitatge');
    await page.getByTestId('search-retry').waitFor();
    assert.equal(await page.getByTestId('search-error').getAttribute('data-kind'), 'network');
    await checkPage(page, 'search-network');
    await page.unroute('**/api/v1/search?**');
    await page.getByTestId('search-retry').click();
    await page.getByTestId('search-count').waitFor();
    assert.ok(await count() >= 2);
  });
});
