// The audit log in the browser, on a server with the demo data: the platform admin opens it from the account
// page, makes a one-time reset link for a resident without email (shown once) and sees that action logged
// with who did it; an organisation's admin reads its organisation's log from its page, and a plain member
// cannot. Axe clean at 1280 and 360 px.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, openSignedInPage, startServer } from './harness.mjs';

const ADMIN = { email: 'admin@example.org', password: 'teixit-admin-demo-2026' }; // platform admin
const LUCIA = { email: 'lucia@example.org', password: 'barrio-vivo-2026' }; // admin of the housing foundation
const JORDI = { email: 'jordi@example.org', password: 'servei-social-prop-2026' }; // professional of the association

describe('the audit log', () => {
  let server;
  let browser;
  before(async () => {
    server = await startServer({}, { seed: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the platform admin makes a reset link and finds it in the log', async () => {
    const { page, ctx } = await openSignedInPage(browser, server.base, 1280, ADMIN);
    await page.goto(`${server.base}/account`);
    await page.getByTestId('admin-audit-link').click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.locator('#reset-email').fill('jordi@example.org');
    await page.getByTestId('reset-make').click();
    const shown = page.getByTestId('reset-link');
    await shown.waitFor();
    assert.match(await shown.innerText(), /reset-password#/, 'the one-time link is shown once, to hand over');
    const row = page.getByTestId('audit-entry').filter({ hasText: 'Reset link made by an admin' }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /Administr|Admin/i, 'the entry says who did it, by name');
    await checkPage(page, 'audit-01-platform');
    await ctx.close();
  });

  it("an organisation's admin reads its log; a member of another organisation is refused", async () => {
    const { page, ctx, api } = await openSignedInPage(browser, server.base, 360, LUCIA);
    const foundation = (await api.get('/organisations?limit=50')).items.find((o) => o.name === 'Fundación Vivienda Social Barcelona');
    await page.goto(`${server.base}/organisations/${foundation.id}`);
    await page.getByTestId('org-audit-link').click();
    await page.getByRole('heading', { level: 1, name: 'Audit log of Fundación Vivienda Social Barcelona' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Audit log' }).waitFor();
    assert.equal(await page.getByTestId('reset-links').count(), 0, 'reset links are for platform admins only');
    await checkPage(page, 'audit-02-organisation');
    await ctx.close();

    const other = await openSignedInPage(browser, server.base, 360, JORDI);
    await other.page.goto(`${server.base}/organisations/${foundation.id}/audit`);
    await other.page.getByRole('alert').filter({ hasText: /admins/i }).waitFor();
    await other.ctx.close();
  });
});
