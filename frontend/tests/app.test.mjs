// The main browser journey, against the real server: register, log out, log in, create an organisation, a
// second person registers, the first adds them as a member, then switches to Catalan. Every page is checked
// with axe-core at desktop width and at 360 px, and screenshotted for a human look.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PHONE, checkPage, launchBrowser, logInViaApi, openPage, screenshotDir, startServer } from './harness.mjs';

const PASSWORD = 'a quiet street in Gràcia';

describe('Teixit in the browser', () => {
  let server;
  let browser;
  let page;
  let shots;
  let orgUrl;
  const stamp = Date.now().toString(36);
  const anna = { name: 'Anna Puig', email: `anna.${stamp}@example.org` };
  const bru = { name: 'Bru Serra', email: `bru.serra.i.costa.${stamp}@associacio-de-veins-del-raval-nord.example.org` }; // long: it must wrap on a phone

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    shots = screenshotDir();
    page = await openPage(browser);
    console.log(`# screenshots in ${shots}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const heading = (p) => p.getByTestId('page-heading');
  const focusedId = (p) => p.evaluate(() => document.activeElement?.id);

  it('home page explains Teixit and links to register and log in', async () => {
    await page.goto(server.base + '/');
    await assert.doesNotReject(heading(page).waitFor());
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match(await page.title(), /Teixit/);
    await page.getByTestId('nav-register').waitFor();
    await checkPage(page, 'home');
    // Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  });

  it('register shows errors next to fields, then creates the account', async () => {
    await page.getByTestId('home-register').click();
    await page.waitForURL('**/register');
    assert.equal(await heading(page).textContent(), 'Create an account');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new heading');
    await checkPage(page, 'register');

    await page.getByLabel('Name', { exact: true }).fill(anna.name);
    await page.getByLabel('Email address').fill(anna.email);
    await page.getByLabel('Password').fill('short');
    await page.getByTestId('register-submit').click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'error-summary', 'focus goes to the error summary');
    const pw = page.locator('#register-password');
    assert.equal(await pw.getAttribute('aria-invalid'), 'true');
    assert.match(await pw.getAttribute('aria-describedby'), /register-password-error/);
    await checkPage(page, 'register-errors');

    // A long but common password is refused by the server; its reason is shown in our words, by the field.
    await pw.fill('1234567890');
    await page.getByTestId('register-submit').click();
    await page.locator('#register-password-error').filter({ hasText: 'too common' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'error-summary');

    await pw.fill(PASSWORD);
    await page.getByTestId('register-submit').click();
    await page.getByTestId('nav-logout').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.getByTestId('live-region').textContent(), /Your account is ready/);
    assert.match(await page.locator('main').textContent(), /Hello, Anna Puig/);
    await page.getByTestId('nav-account').click();
    await page.waitForURL('**/account');
    assert.equal(await page.getByTestId('account-email').textContent(), anna.email);
  });

  it('account page creates a token shown once, and revokes it', async () => {
    await page.getByLabel('Token name').fill('City council system');
    await page.getByTestId('token-create').click();
    const secret = page.getByTestId('token-secret');
    await secret.waitFor();
    assert.match(await secret.inputValue(), /^txt_/);
    assert.equal(await focusedId(page), 'token-secret', 'focus goes to the new token');
    await page.getByTestId('token-item').first().waitFor();
    await checkPage(page, 'account');
    await page.getByText('I have copied it').click();
    assert.equal(await secret.count(), 0, 'the token is gone once dismissed');
    assert.equal(await focusedId(page), 'token-name');
    await page.getByTestId('token-revoke').click();
    await page.getByTestId('revoke-dialog-confirm').click();
    await page.getByTestId('tokens-empty').waitFor();
    assert.equal(await focusedId(page), 'tokens-yours', 'focus does not get lost when the revoked token goes');

    const download = page.waitForEvent('download');
    await page.getByTestId('account-export').click();
    assert.equal((await download).suggestedFilename(), 'teixit-my-data.json');
  });

  it('log out, then log in again (wrong password first)', async () => {
    await page.getByTestId('nav-logout').click();
    await page.getByTestId('nav-login').waitFor();
    await page.getByTestId('nav-login').click();
    await page.waitForURL('**/login');
    await checkPage(page, 'login');
    await page.getByLabel('Email address').fill(anna.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('error-summary').waitFor();
    assert.match(await page.getByTestId('error-summary').textContent(), /not right/);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-account').waitFor();
  });

  it('creates an organisation and lands on its page as admin', async () => {
    await page.getByTestId('nav-organisations').click();
    await page.waitForURL('**/organisations');
    await page.getByTestId('org-create-form').waitFor();
    await checkPage(page, 'organisations-empty');
    await page.getByLabel('Name of the organisation').fill('Veïns del Raval');
    await page.getByLabel('Type').selectOption('association');
    await page.getByLabel('Description').fill('Residents who meet every Thursday to improve the neighbourhood.');
    await page.getByTestId('org-create-submit').click();
    await page.waitForURL(/\/organisations\/[^/]+$/);
    orgUrl = page.url();
    await heading(page).filter({ hasText: 'Veïns del Raval' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus stays on the heading once loaded');
    await page.getByTestId('my-role').waitFor();
    assert.match(await page.getByTestId('my-role').textContent(), /Admin/);
    await page.getByTestId('member-item').first().waitFor(); // members load after the organisation
    assert.equal(await page.getByTestId('member-item').count(), 1);
    await checkPage(page, 'organisation');

    await page.getByTestId('nav-organisations').click();
    await page.getByTestId('organisation-item').first().waitFor();
    await checkPage(page, 'organisations');
  });

  it('a second person registers in another browser', async () => {
    const pb = await openPage(browser);
    await pb.goto(server.base + '/register');
    await pb.getByLabel('Name', { exact: true }).fill(bru.name);
    await pb.getByLabel('Email address').fill(bru.email);
    await pb.getByLabel('Password').fill(PASSWORD);
    await pb.locator('#register-language').selectOption('es');
    await pb.getByTestId('register-submit').click();
    await pb.getByTestId('nav-account').waitFor();
    assert.equal(await pb.locator('html').getAttribute('lang'), 'es');
    assert.match(await heading(pb).textContent(), /trabajamos juntos/);
    await pb.goto(orgUrl);
    await heading(pb).filter({ hasText: 'Veïns del Raval' }).waitFor();
    await pb.getByTestId('members-only').waitFor();
    assert.equal(await pb.getByTestId('members-list').count(), 0, 'not a member yet: no member list');
    await pb.context().close();
  });

  it('the admin invites the second person, who accepts on their account page', async () => {
    await page.goto(orgUrl);
    await page.getByTestId('member-form').waitFor();
    await page.locator('#member-email').fill('bru at example');
    await page.getByTestId('member-add').click();
    await page.getByTestId('error-summary').waitFor();
    assert.match(await page.locator('#member-email-error').textContent(), /./);
    await checkPage(page, 'organisation-member-error');

    await page.locator('#member-email').fill(bru.email);
    await page.locator('#member-role').selectOption('professional');
    await page.getByTestId('member-add').click();
    await page.getByTestId('member-invited').waitFor();
    assert.match(await page.getByTestId('member-invited').textContent(), /becomes a member when they accept/);
    assert.match(await page.getByTestId('invitation-row').filter({ hasText: bru.email }).textContent(), /waiting for an answer/);
    assert.equal(await page.getByTestId('member-item').filter({ hasText: bru.name }).count(), 0, 'not a member before saying yes');
    assert.equal(await page.getByTestId('error-summary').count(), 0);
    await checkPage(page, 'organisation-invited');

    // Bru, on a phone, finds the invitation on the account page and accepts it.
    const ctx = await browser.newContext({ bypassCSP: true, viewport: PHONE, reducedMotion: 'reduce' });
    await logInViaApi(ctx, server.base, { email: bru.email, password: PASSWORD });
    const pb = await ctx.newPage();
    await pb.goto(server.base + '/account');
    const inv = pb.getByTestId('my-invitation');
    await inv.waitFor();
    assert.match(await inv.textContent(), /Veïns del Raval/);
    await checkPage(pb, 'account-invitation', { widths: [PHONE.width] });
    await inv.getByTestId('invitation-accept').click();
    await pb.getByTestId('invitation-answered').waitFor();
    assert.match(await pb.getByTestId('invitation-answered').textContent(), /Veïns del Raval/);
    await ctx.close();

    await page.reload();
    await page.getByTestId('member-item').filter({ hasText: bru.name }).waitFor();
    assert.match(await page.getByTestId('member-item').filter({ hasText: bru.name }).textContent(), /Professional/);
    assert.match(await page.getByTestId('invitation-row').filter({ hasText: bru.email }).textContent(), /accepted/);
  });

  it('the admin edits the details, and cannot leave as the only admin', async () => {
    await page.getByTestId('org-edit').click();
    await page.getByTestId('org-edit-form').waitFor();
    assert.equal(await focusedId(page), 'org-edit-name');
    await checkPage(page, 'organisation-edit');
    await page.locator('#org-edit-description').fill('Neighbours who meet on Thursdays at the library.');
    await page.getByTestId('org-edit-submit').click();
    await page.getByTestId('org-description').filter({ hasText: 'Thursdays at the library' }).waitFor();
    assert.equal(await focusedId(page), 'org-edit-button');

    const me = page.getByTestId('member-item').filter({ hasText: anna.name });
    await me.getByTestId('member-remove').click();
    await page.getByTestId('remove-dialog-confirm').click();
    await page.getByTestId('remove-dialog').getByRole('alert').waitFor();
    assert.match(await page.getByTestId('remove-dialog').textContent(), /last administrator/);
    await page.getByTestId('remove-dialog-cancel').click();
    assert.equal(await page.getByTestId('member-item').count(), 2);

    // What the message asks for: name a second admin.
    const bruCard = page.getByTestId('member-item').filter({ hasText: bru.name });
    await bruCard.getByLabel(`Role of ${bru.name}`).selectOption('admin');
    await bruCard.getByTestId('member-role-save').click();
    await bruCard.getByTestId('member-role').filter({ hasText: 'Admin' }).waitFor();
    assert.match(await page.getByTestId('live-region').textContent(), /Bru Serra is now: Admin/);
    await checkPage(page, 'organisation-two-admins');
  });

  it('switching to Catalan changes the interface and is kept on the account', async () => {
    await page.getByTestId('language-switcher').selectOption('ca');
    await page.getByTestId('nav-home').filter({ hasText: 'Inici' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'ca');
    assert.equal(await page.getByTestId('members-list').locator('[data-testid=member-role]').last().textContent(), 'Administració');
    assert.match(await page.getByTestId('my-role').textContent(), /El teu rol: Administració/);
    await checkPage(page, 'organisation-ca');

    // A new browser with an English-speaking profile gets Catalan from the account after log in.
    const p = await openPage(browser);
    await p.goto(server.base + '/login');
    await p.getByLabel('Email address').fill(anna.email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByTestId('login-submit').click();
    await p.getByTestId('nav-account').filter({ hasText: 'El meu compte' }).waitFor();
    assert.equal(await p.locator('html').getAttribute('lang'), 'ca');
    await p.getByTestId('nav-home').click();
    assert.match(await heading(p).textContent(), /treballem junts/);
    await checkPage(p, 'home-ca');
    await p.context().close();
  });

  it('the second person deletes their account after confirming', async () => {
    const p = await openPage(browser);
    await p.goto(server.base + '/login?next=/account');
    await p.getByLabel('Email address').fill(bru.email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByTestId('login-submit').click();
    await p.waitForURL('**/account');
    await heading(p).filter({ hasText: 'Mi cuenta' }).waitFor(); // Bru's account language
    await p.getByTestId('account-delete').click();
    const dialog = p.getByTestId('delete-dialog');
    await dialog.waitFor();
    assert.equal(await p.evaluate(() => document.activeElement?.closest('dialog') !== null), true, 'focus is inside the dialog');
    await checkPage(p, 'account-delete-dialog');
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await p.evaluate(() => document.activeElement?.dataset.testid), 'account-delete', 'focus returns to the button');
    await p.getByTestId('account-delete').click();
    await p.getByTestId('delete-dialog-confirm').click();
    await p.waitForURL(server.base + '/');
    await p.getByTestId('nav-login').waitFor();
    assert.match(await p.getByTestId('live-region').textContent(), /borrado/);
    await p.context().close();
  });

  it('unknown pages say so plainly', async () => {
    await page.goto(server.base + '/no/such/page');
    await heading(page).waitFor();
    assert.equal(await heading(page).textContent(), 'No hem trobat la pàgina');
    await checkPage(page, 'not-found');
  });
});
