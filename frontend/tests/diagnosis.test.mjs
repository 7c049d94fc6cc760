// Neighbourhood diagnoses: the list and the diagnosis page read well and pass axe-core at 1280 and 360 px,
// with no sideways scroll on a phone. (Creating a diagnosis needs a territory, which only a platform admin can
// make; the full resident → organiser → professional flow is still to come.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, startServer } from './harness.mjs';

describe('diagnoses', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const width of [1280, 360]) {
    it(`lists diagnoses and explains a missing one at ${width} px`, async () => {
      const ctx = await browser.newContext({ locale: 'en-GB', bypassCSP: true, viewport: { width, height: 800 } });
      ctx.setDefaultTimeout(60_000);
      const page = await ctx.newPage();
      await page.goto(server.base + '/');
      await page.getByTestId('nav-diagnoses').click();
      await page.getByRole('heading', { level: 1, name: 'Neighbourhood diagnoses' }).waitFor();
      await page.getByTestId('diagnoses-empty').waitFor();
      assert.equal(await page.getByTestId('nav-diagnoses').getAttribute('aria-current'), 'page');
      await checkPage(page, 'diagnoses', { widths: [width], height: 800, idle: false });

      await page.goto(server.base + '/diagnoses/nope');
      await page.getByRole('alert').waitFor();
      await checkPage(page, 'diagnosis-missing', { widths: [width], height: 800, idle: false });
      await ctx.close();
    });
  }
});
