// A live session that cannot be joined says so in the reader's language instead of trying to connect: an
// exchange day whose time is over shows "this session has ended" with the way back to the day, and a day
// that starts in three days says its room is not open yet and when it opens. Catalan reader; axe clean at
// 1280 and 360 px. (The host's end recorded in the store, on every node and after restarts, is tested in Go:
// server/live TestEndedIsFinal and TestOneRoomAcrossTwoNodes.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, screenshotDir, signUpViaApi, startServer } from './harness.mjs';

describe('a live session that is over or not open yet', () => {
  let server;
  let browser;
  let shots;
  let page;
  let over;
  let later;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    shots = screenshotDir();
    const ctx = await browser.newContext({ locale: 'ca-ES', bypassCSP: true, viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(60_000);
    const stamp = Date.now().toString(36);
    const api = await signUpViaApi(ctx, server.base, { email: `neus.${stamp}@example.org`, name: 'Neus Puig', language: 'ca' });
    const org = await api.post('/organisations', { name: 'Casal del Clot', kind: 'association' });
    const day = async (start, hours) => (await api.post('/exchange-days', {
      hostOrgId: org.id, title: 'Jornada de xarxa', startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + hours * 3600_000).toISOString(), agenda: [{ text: 'Com ens coordinem?' }],
    })).id;
    over = await day(Date.now() - 6 * 3600_000, 1);
    later = await day(Date.now() + 3 * 24 * 3600_000, 2);
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an exchange day that is over: "this session has ended", no lobby, in Catalan', async () => {
    await page.goto(`${server.base}/exchange-days/${over}/live`);
    const closed = page.getByTestId('live-closed');
    await closed.waitFor();
    assert.match(await closed.locator('h2').innerText(), /Aquesta sessió ha acabat/);
    assert.equal(await page.getByRole('button', { name: /Entra|Entrar/ }).count(), 0, 'no join button on an ended session');
    await checkPage(page, 'live-closed-ended', { shots });
  });

  it('an exchange day in three days: not open yet, and when it opens', async () => {
    await page.goto(`${server.base}/exchange-days/${later}/live`);
    const closed = page.getByTestId('live-closed');
    await closed.waitFor();
    assert.match(await closed.locator('h2').innerText(), /encara no és oberta/);
    assert.match(await closed.innerText(), /S'obre el .+\d/);
    await checkPage(page, 'live-closed-not-open', { shots });
  });
});
