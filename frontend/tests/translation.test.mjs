// Reading in one's own language: an Italian reader on a 360 px phone opens a diagnosis written in Catalan on a
// server with a real Apertium APY (started here on a free loopback port). The page offers "Leggi in Italiano"
// (or already shows the translation made ahead of time), shows the Italian text marked as a machine
// translation "Originariamente in Català", and the original is one click away. axe-clean at 360 px.
// Without Apertium installed the test is skipped — except in CI (CI=true), where it fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { checkPage, launchBrowser, openSignedInPage, screenshotDir, signUpViaApi, startServer, PHONE } from './harness.mjs';

const MODES = '/usr/share/apertium/modes';
const LAUNCHER = `import sys, tornado.httpserver as h
orig = h.HTTPServer.bind
h.HTTPServer.bind = lambda self, port, address=None, **kw: orig(self, port, address="127.0.0.1", **kw)
from apertium_apy.apy import main
sys.argv[0] = "apertium-apy"
main()`;
const JORDI = { email: 'jordi@example.org', password: 'servei-social-prop-2026' };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startApy() {
  const port = await freePort();
  const proc = spawn('/usr/bin/python3', ['-c', LAUNCHER, '-p', String(port), '-j', '1', MODES], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${base}/listPairs`)).ok) return { base, stop: () => proc.kill() };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill();
  throw new Error('APY did not start');
}

const installed = existsSync(MODES);
if (!installed && process.env.CI === 'true') throw new Error('Apertium is not installed; .ci/run installs apertium-apy and the pairs');

describe('reading a Catalan diagnosis in Italian', { skip: !installed && 'Apertium is not installed' }, () => {
  let apy;
  let server;
  let browser;
  const shots = screenshotDir();

  before(async () => {
    apy = await startApy();
    server = await startServer({ TEIXIT_TRANSLATE_URL: apy.base }, { seed: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    apy?.stop();
  });

  it('shows the Italian translation, marked, with the original one click away', async () => {
    const org = await openSignedInPage(browser, server.base, 1280, JORDI);
    const assoc = (await org.api.get('/organisations?limit=50')).items.find((o) => o.name === 'Associació Veïnal del Raval Nord');
    const raval = (await org.api.get('/territories')).items.find((x) => x.name === 'el Raval');
    const d = await org.api.post('/diagnoses', {
      title: 'Com vivim al barri', description: 'Les famílies grans del barri viuen soles i necessiten companyia cada setmana.',
      territoryId: raval.id, organisationIds: [assoc.id], themes: ['ageing_loneliness'],
    });

    const ctx = await browser.newContext({ locale: 'it-IT', bypassCSP: true, viewport: PHONE });
    ctx.setDefaultTimeout(60_000);
    await signUpViaApi(ctx, server.base, { email: 'lettrice.it@example.org', name: 'Lettrice', language: 'it' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(`${server.base}/diagnoses/${d.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();

    // Either made ahead of time already, or the reader asks and waits with a progress state.
    const note = page.getByTestId('translation-note');
    const button = page.getByTestId('read-in-button');
    await note.or(button).first().waitFor();
    if (await button.isVisible()) {
      assert.match(await button.innerText(), /Leggi in Italiano/);
      await button.click();
      await page.getByTestId('translation-working').or(note).first().waitFor(); // the progress state, then the text
    }
    await note.waitFor({ timeout: 90_000 });
    assert.match(await note.innerText(), /Traduzione automatica\. Originariamente in Català\./);
    const h1 = page.getByRole('heading', { level: 1 });
    assert.doesNotMatch(await h1.innerText(), /Com vivim/);
    assert.match(await page.getByTestId('diagnosis-description').innerText(), /famiglie/i);
    assert.equal(await page.locator('div[lang="it"] h1').count(), 1, 'the translated text is marked lang="it"');
    await checkPage(page, 'translation-it', { shots, widths: [PHONE.width] });

    // The original, one click away, and back.
    await page.getByTestId('show-original').click();
    assert.equal(await h1.innerText(), 'Com vivim al barri');
    assert.equal(await page.locator('div[lang="ca"] h1').count(), 1, 'the original is marked lang="ca"');
    await checkPage(page, 'translation-it-original', { shots, widths: [PHONE.width] });
    await page.getByTestId('show-translation').click();
    assert.doesNotMatch(await h1.innerText(), /Com vivim/);

    // An organiser, who may edit the diagnosis, corrects the Italian translation in place; every reader then
    // gets the correction, marked as reviewed by a person.
    await org.api.patch('/me', { language: 'it' });
    const op = org.page;
    await op.goto(`${server.base}/diagnoses/${d.id}`);
    await op.getByTestId('translation-note').waitFor();
    await op.getByTestId('translation-correct').click();
    await op.getByLabel('Titolo in questa lingua').fill('Come viviamo nel quartiere');
    await op.getByLabel('Testo in questa lingua (Markdown)').fill('Le persone anziane del quartiere vivono sole e hanno bisogno di compagnia ogni settimana.');
    await checkPage(op, 'translation-correcting-it', { shots, widths: [PHONE.width] });
    await op.getByTestId('translation-correction-save').click();
    await op.getByTestId('translation-note').filter({ hasText: /rivista da una persona/ }).waitFor();
    await page.reload();
    await page.getByTestId('translation-note').filter({ hasText: /rivista da una persona/ }).waitFor();
    assert.equal(await h1.innerText(), 'Come viviamo nel quartiere');
    assert.match(await page.getByTestId('diagnosis-description').innerText(), /persone anziane/);
    assert.equal(await page.getByTestId('translation-correct').count(), 0, 'a reader who may not edit it is not offered to correct it');

    // Searching in Italian, among diagnoses only, finds the Catalan diagnosis through its translation and says so.
    const via = page.getByTestId('search-result-via');
    for (let i = 0; i < 30 && !(await via.count()); i++) {
      await page.goto(`${server.base}/search?q=famiglie&kind=diagnosis`);
      await page.getByTestId('search-results').or(page.getByTestId('search-none')).first().waitFor();
      if (!(await via.count())) await page.waitForTimeout(300); // the index follows the store within a second
    }
    const hit = page.getByTestId('search-result').filter({ has: via });
    assert.match(await hit.getByTestId('search-result-kind').innerText(), /Diagnosi/);
    assert.match(await via.first().innerText(), /Trovato in una traduzione/);
    assert.equal(await hit.locator('a').getAttribute('href'), `/diagnoses/${d.id}`);
    assert.equal(await page.locator(`[data-testid="search-result"] a[href="/diagnoses/${d.id}"]`).count(), 1, 'the diagnosis and its translation show as one result');
    await checkPage(page, 'translation-search-it', { shots, widths: [PHONE.width] });

    // An exchange day announced in Catalan reads in Italian too.
    const start = Date.now() + 5 * 86_400_000;
    const day = await org.api.post('/exchange-days', {
      hostOrgId: assoc.id, title: 'Jornada sobre la soledat de la gent gran',
      description: 'Parlarem de com acompanyem les persones grans que viuen soles al barri.',
      startsAt: new Date(start).toISOString(), endsAt: new Date(start + 2 * 3_600_000).toISOString(), timeZone: 'Europe/Madrid',
      agenda: [{ text: 'Què funciona?' }],
    });
    await page.goto(`${server.base}/exchange-days/${day.id}`);
    await h1.waitFor();
    const dayButton = page.getByTestId('read-in-button');
    await note.or(dayButton).first().waitFor();
    if (await dayButton.isVisible()) await dayButton.click();
    await note.waitFor({ timeout: 90_000 });
    assert.doesNotMatch(await h1.innerText(), /Jornada sobre/);
    assert.match(await page.getByTestId('exchange-description').innerText(), /persone/i);
    assert.equal(await page.locator('p[lang="it"][data-testid="exchange-description"]').count(), 1);
    assert.doesNotMatch(await page.getByTestId('exchange-description').innerText(), /funziona/, 'the guide questions stay in their list');
    assert.match(await page.getByTestId('exchange-agenda').innerText(), /funziona/i, 'the guide questions read in Italian');
    await checkPage(page, 'translation-day-it', { shots, widths: [PHONE.width] });
    await page.getByTestId('show-original').click();
    assert.equal(await h1.innerText(), 'Jornada sobre la soledat de la gent gran');

    // A practice written in Catalan, which nobody translated into Italian, reads in Italian by machine.
    const pr = await org.api.post('/practices', {
      title: 'Trucades setmanals a la gent gran', language: 'ca', themes: ['ageing_loneliness'],
      summary: 'Les voluntàries **truquen** cada setmana a les persones grans que viuen soles.',
      problem: 'Moltes persones grans del barri viuen soles.',
      context: { organisationId: assoc.id, targetPopulation: 'Persones grans que viuen soles' },
      steps: [{ title: 'Trucar', detail: 'Cada dilluns al matí.' }],
      resources: { people: 'Dues voluntàries', time: 'Tres hores', budget: 'Cap' },
      results: 'Les persones grans se senten acompanyades.', evidence: 'Registre del centre.',
      evaluation: { summary: 'Avaluació anual', indicators: [{ name: 'Persones', value: '25' }] },
      contact: 'trucades@example.org',
    });
    await org.api.post(`/practices/${pr.id}/publish`);
    await page.goto(`${server.base}/practices/${pr.id}`);
    await h1.waitFor();
    const prButton = page.getByTestId('read-in-button');
    await note.or(prButton).first().waitFor();
    if (await prButton.isVisible()) await prButton.click();
    await note.waitFor({ timeout: 90_000 });
    assert.doesNotMatch(await h1.innerText(), /Trucades/);
    const machineText = page.getByTestId('practice-machine-text');
    assert.match(await machineText.innerText(), /sol[ei]/i);
    assert.equal(await machineText.getAttribute('lang'), 'it');
    assert.equal(await machineText.locator('strong').count(), 1, 'the Markdown emphasis survives');
    await checkPage(page, 'translation-practice-it', { shots, widths: [PHONE.width] });
    await page.getByTestId('show-original').click();
    assert.equal(await h1.innerText(), 'Trucades setmanals a la gent gran');
    assert.equal(await machineText.count(), 0);

    // The comments under it read in Italian too, each with its original one click away.
    const cm = await org.api.post(`/practices/${pr.id}/comments`, { text: 'Ho hem provat al nostre barri i les famílies hi venen cada setmana.' });
    await org.api.post(`/translations/comment/${cm.id}/it`); // made ahead of time, or at once when asked
    for (let i = 0; i < 300 && (await org.api.get(`/translations/comment/${cm.id}/it`)).state !== 'ready'; i++) await page.waitForTimeout(300);
    await page.goto(`${server.base}/practices/${pr.id}`);
    const said = page.getByTestId('comment-translation');
    await said.waitFor();
    assert.match(await said.innerText(), /Traduzione automatica\. Originariamente in Català\./);
    const commentText = page.locator('[data-testid="comments"] .comment-text').first();
    assert.equal(await commentText.getAttribute('lang'), 'it');
    assert.match(await commentText.innerText(), /famiglie/i);
    await checkPage(page, 'translation-comment-it', { shots, widths: [PHONE.width] });
    await page.getByTestId('comment-show-original').click();
    assert.match(await commentText.innerText(), /Ho hem provat al nostre barri/);
    assert.match(await said.innerText(), /originale, in Català/);

    // The demo evaluation's public report: its merged points read in Italian, marked, originals one click away.
    const ev = (await org.api.get('/evaluations')).items.find((x) => x.title.startsWith("Jornada d'avaluació"));
    const edition = (await org.api.get(`/evaluations/${ev.id}`)).editions.find((x) => x.phase === 'follow_up');
    const report = await org.api.get(`/evaluation-editions/${edition.id}/report`);
    const point = report.weaknesses[0];
    await org.api.post(`/translations/evaluation_point/${point.id}/it`);
    for (let i = 0; i < 300 && (await org.api.get(`/translations/evaluation_point/${point.id}/it`)).state !== 'ready'; i++) await page.waitForTimeout(300);
    await org.api.post(`/translations/evaluation_report/${edition.id}/it`); // the report's own words (its summary)
    for (let i = 0; i < 300 && (await org.api.get(`/translations/evaluation_report/${edition.id}/it`)).state !== 'ready'; i++) await page.waitForTimeout(300);
    await page.goto(`${server.base}/evaluation-editions/${edition.id}/report`);
    await page.getByTestId('report-translation').waitFor();
    assert.match(await page.getByTestId('report-translation').innerText(), /traduzione automatica/);
    const first = page.getByTestId('report-weaknesses').locator('li').first().locator('span').first();
    assert.equal(await first.getAttribute('lang'), 'it');
    assert.notEqual(await first.innerText(), point.text);
    assert.equal(await page.getByTestId('report-summary').getAttribute('lang'), 'it');
    assert.match(await page.getByTestId('report-summary').innerText(), /gruppi/);
    await checkPage(page, 'translation-report-it', { shots, widths: [PHONE.width] });
    await page.getByTestId('report-show-original').click();
    assert.equal(await first.innerText(), point.text);
    assert.equal(await page.getByTestId('report-summary').innerText(), report.edition.report.summary);
    await ctx.close();
  });
});
