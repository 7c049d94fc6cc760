// The account page a person secures their account with: change the password (the current one is asked;
// other devices are signed out), see where they are signed in, sign out of every device, tokens with a scope
// and a life; and the forgotten-password page. axe-clean at 1280 and 360 px.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, logInViaApi, openPage, signUpViaApi, startServer } from './harness.mjs';

describe('account security', { skip: process.env.TEIXIT_TEST_BASE_URL ? 'needs its own server' : false }, () => {
  let server;
  let browser;
  const email = 'marta@example.org';
  const password = 'a quiet street in Gràcia';
  const newPassword = 'the bakery opens at seven';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('changes the password, lists sessions, makes a scoped token, signs out everywhere', async () => {
    const page = await openPage(browser);
    await signUpViaApi(page.context(), server.base, { email, name: 'Marta' });
    const phoneCtx = await browser.newContext({ bypassCSP: true });
    const phone = await logInViaApi(phoneCtx, server.base, { email, password });
    assert.equal(phone.user.name, 'Marta');

    await page.goto(server.base + '/account');
    await page.getByTestId('session-item').nth(1).waitFor();
    assert.equal(await page.getByTestId('session-item').count(), 2);
    await page.getByText('This device').waitFor();
    await checkPage(page, 'account');

    // A token that may read and write, for 30 days.
    await page.locator('#token-name').fill('Padró municipal');
    await page.getByTestId('token-scope-write').check();
    await page.getByTestId('token-days').selectOption('30');
    await page.getByTestId('token-create').click();
    await page.getByTestId('token-secret').waitFor();
    assert.match(await page.getByTestId('token-rights').first().textContent(), /Can read and make changes · stops working on/);

    // Wrong current password: told in words, nothing changes.
    await page.locator('#password-current').fill('not my password at all');
    await page.locator('#password-new').fill(newPassword);
    await page.getByTestId('password-submit').click();
    await page.getByTestId('error-summary').getByText('Your current password is not right.').waitFor();
    const still = await phoneCtx.request.get(server.base + '/api/v1/auth/session');
    assert.equal((await still.json()).user?.name, 'Marta');

    // A weak new password is refused with the reason.
    await page.locator('#password-current').fill(password);
    await page.locator('#password-new').fill('aaaaaaaaaaaa');
    await page.getByTestId('password-submit').click();
    await page.locator('#password-new-error').getByText(/easy to guess/).waitFor();

    await page.locator('#password-new').fill(newPassword);
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-changed').waitFor();
    const gone = await phoneCtx.request.get(server.base + '/api/v1/auth/session');
    assert.equal((await gone.json()).user, null, 'the phone is signed out');
    await page.getByTestId('tokens-empty').waitFor(); // the token is revoked too
    assert.equal(await page.getByTestId('session-item').count(), 1);
    await checkPage(page, 'account-changed');

    // Sign out of every device, this one included.
    await page.getByTestId('sessions-everywhere').click();
    await page.getByTestId('everywhere-dialog').waitFor();
    await checkPage(page, 'account-everywhere-dialog', { idle: false });
    await page.getByTestId('everywhere-dialog').getByRole('button', { name: 'Yes, sign out everywhere' }).click();
    await page.waitForURL(/\/login$/);
    const after = await page.context().request.get(server.base + '/api/v1/auth/session');
    assert.equal((await after.json()).user, null);
    await phoneCtx.close();
    await page.context().close();
  });

  it('offers a forgotten-password page that says what to do without mail, and refuses a bad link', async () => {
    const page = await openPage(browser);
    await page.goto(server.base + '/login');
    await page.getByTestId('login-forgot').click();
    await page.waitForURL(/\/reset-password$/);
    await page.locator('#reset-email').fill(email);
    await page.getByTestId('reset-send').click();
    await page.getByTestId('error-summary').getByText(/Ask a platform administrator for a reset link/).waitFor();
    await checkPage(page, 'reset-ask');

    await page.goto(server.base + '/reset-password#txr_this-link-was-never-issued');
    await page.locator('#reset-password').fill(newPassword);
    await page.getByTestId('reset-save').click();
    await page.getByTestId('error-summary').getByText('This reset link is not valid. Ask for a new one.').waitFor();
    await checkPage(page, 'reset-new');
    await page.context().close();
  });
});
