// What a reader downloads before a page is drawn, held to the budgets of docs/frontend-weight.md: the first page
// (the home page, as someone following a link to Teixit sees it), a diagnosis's page and its map, each opened
// cold (no cache) from the real server with the demo data, as a Catalan and as a Spanish reader. Bytes, not
// time: the bodies of the JS and CSS responses as they travel (compressed), so the check does not depend on how
// busy the machine is. `npm run weight` measures time on a slow connection separately.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer } from './harness.mjs';

const KB = 1024;
// Budgets (gzip, as the Go server sends them): the first page 75 KB, a diagnosis 110 KB, its map 140 KB.
const BUDGET = { first: 75 * KB, diagnosis: 110 * KB, map: 140 * KB };

describe('what each page weighs', () => {
  let server;
  let browser;
  let diagnosis;

  before(async () => {
    server = await startServer({}, { seed: true });
    browser = await launchBrowser();
    const res = await fetch(`${server.base}/api/v1/diagnoses?limit=5`);
    diagnosis = (await res.json()).items[0];
    assert.ok(diagnosis, 'the demo data has a diagnosis');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens `path` in a fresh context, waits until `ready` is on screen and the network is quiet, and sums the
   * compressed bodies of the scripts and stylesheets it fetched. */
  async function weigh(path, ready, locale) {
    const ctx = await browser.newContext({ locale, viewport: { width: 360, height: 740 } });
    const page = await ctx.newPage();
    const sizes = [];
    page.on('requestfinished', (req) => {
      if (['script', 'stylesheet'].includes(req.resourceType())) sizes.push(req.sizes().then((s) => ({ url: req.url(), bytes: s.responseBodySize })));
    });
    await page.goto(server.base + path);
    await page.locator(ready).first().waitFor();
    await page.waitForLoadState('networkidle');
    const files = await Promise.all(sizes);
    await ctx.close();
    const total = files.reduce((n, f) => n + f.bytes, 0);
    assert.ok(files.length > 0 && files.every((f) => f.bytes > 0), 'every file counted');
    return { total, files };
  }

  for (const locale of ['ca-ES', 'es-ES']) {
    it(`keeps the first page, a diagnosis and its map within budget (${locale})`, async () => {
      const pages = {
        first: await weigh('/', 'main h1', locale),
        diagnosis: await weigh(`/diagnoses/${diagnosis.id}`, `main h1:has-text("${diagnosis.title}")`, locale),
        map: await weigh(`/diagnoses/${diagnosis.id}/map`, '[data-testid="map"] .leaflet-overlay-pane path', locale),
      };
      const report = Object.entries(pages).map(([k, p]) => `${k} ${(p.total / KB).toFixed(1)} KB (budget ${BUDGET[k] / KB})`).join(', ');
      console.log(`# ${locale}: ${report}`);
      for (const [k, p] of Object.entries(pages)) {
        const list = p.files.map((f) => `${new URL(f.url).pathname} ${(f.bytes / KB).toFixed(1)}`).join('\n  ');
        assert.ok(p.total <= BUDGET[k], `${k} page weighs ${(p.total / KB).toFixed(1)} KB, over ${BUDGET[k] / KB} KB:\n  ${list}`);
      }
    });
  }
});
