// Too many wrong passwords: the server answers 429 with Retry-After, and the page says in plain words how long
// to wait. Runs its own server with a low TEIXIT_LOGIN_LIMIT.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, startServer } from './harness.mjs';

describe('login rate limit', { skip: process.env.TEIXIT_TEST_BASE_URL ? 'needs its own server' : false }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ TEIXIT_LOGIN_LIMIT: '2' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells the person how many minutes to wait, in their language', async () => {
    const ctx = await browser.newContext({ locale: 'it-IT', bypassCSP: true });
    ctx.setDefaultTimeout(60_000);
    const page = await ctx.newPage();
    await page.goto(server.base + '/login');
    await page.locator('#login-email').fill('nessuno@example.org');
    await page.locator('#login-password').fill('una password sbagliata');
    const summary = page.getByTestId('error-summary');
    let text = '';
    for (let i = 0; i < 4 && !/Troppi tentativi/.test(text); i++) {
      await page.getByTestId('login-submit').click();
      await summary.waitFor();
      await page.getByTestId('login-submit').filter({ hasText: 'Accedi' }).waitFor(); // request finished
      text = await summary.textContent();
    }
    assert.match(text, /Troppi tentativi\. Aspetta \d+ minut[oi] e riprova\./);
    await checkPage(page, 'login-limit-it', { idle: false });
    await ctx.close();
  });
});
