// A day's places and its end, held across a restart (issue #15 points 4 and 5), against the real server
// and SFU with fake microphones:
// - A day with 2 places fills; Roser (Catalan, on a 360-px phone) lands on the waiting list. The host raises
//   the capacity to 3 through the day's form: Roser is promoted, is told, and her page says she has a place;
//   the next person to register waits instead of jumping ahead.
// - The host ends the live session from the room. A late visitor (Catalan) opening the room reads "this
//   session has ended" with what she may see instead — and still does after the server is restarted: ending is
//   kept in the store, not in the process.
// Every step waits for a state the page shows; axe clean at 1280 and 360 px.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, logInViaApi, signUpViaApi, startServer } from './harness.mjs';
import { joinRoom } from './live-helpers.mjs';

describe('places and the end of a day, across a restart', () => {
  let server;
  let browser;
  let host;
  let dayId;
  const stamp = Date.now().toString(36);

  async function person(name, { language = 'en', locale = 'en-GB', width = 1280 } = {}) {
    const ctx = await browser.newContext({ locale, viewport: { width, height: 900 }, bypassCSP: true, reducedMotion: 'reduce' });
    ctx.setDefaultTimeout(60_000);
    const email = `${name.split(' ')[0].toLowerCase()}.${stamp}@example.org`;
    await signUpViaApi(ctx, server.base, { email, name, language });
    const api = await logInViaApi(ctx, server.base, { email, password: 'a quiet street in Gràcia' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => assert.fail(`page error (${name}): ${e.message}`));
    return { ctx, api, page };
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ fakeMedia: true });
    host = await person('Carme Vidal');
    const org = await host.api.post('/organisations', { name: 'Casal del Poble-sec', kind: 'association' });
    const start = Date.now() - 5 * 60_000;
    const day = await host.api.post('/exchange-days', { hostOrgId: org.id, title: 'Jornada de cures', capacity: 2,
      startsAt: new Date(start).toISOString(), endsAt: new Date(start + 2 * 3600_000).toISOString(),
      agenda: [{ text: 'Qui cuida qui cuida?' }] });
    dayId = day.id;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('raising the capacity seats the waiting list in order and tells them; newcomers wait', async () => {
    for (const name of ['Anna Puig', 'Bernat Roca']) {
      const p = await person(name);
      assert.equal((await p.api.post(`/exchange-days/${dayId}/registration`, {})).myRegistration, 'registered');
      await p.ctx.close();
    }
    const roser = await person('Roser Mas', { language: 'ca', locale: 'ca-ES', width: 360 });
    const rp = roser.page;
    await rp.goto(`${server.base}/exchange-days/${dayId}`);
    await rp.getByTestId('exchange-register').click();
    await rp.getByTestId('exchange-registration-state').filter({ hasText: "Ets a la llista d'espera" }).waitFor();
    await checkPage(rp, 'live-after-01-waiting');

    const hp = host.page;
    await hp.goto(`${server.base}/exchange-days/${dayId}/edit`);
    const places = hp.getByLabel('Number of places');
    await places.fill('3');
    await hp.getByTestId('exchange-edit-submit').click();
    await hp.waitForURL(new RegExp(`/exchange-days/${dayId}$`));

    await rp.reload();
    await rp.getByTestId('exchange-registration-state').filter({ hasText: 'Estàs inscrit o inscrita.' }).waitFor();
    const notes = await roser.api.get('/notifications');
    assert.ok(JSON.stringify(notes).includes('registration_promoted'), 'Roser is told she has a place');
    await checkPage(rp, 'live-after-02-promoted');

    const late = await person('Dídac Ferrer');
    assert.equal((await late.api.post(`/exchange-days/${dayId}/registration`, {})).myRegistration, 'waitlisted', 'the next person waits');
    await late.ctx.close();
    await roser.ctx.close();
  });

  it('the host ends the session; a late visitor reads that it ended, also after a restart', async () => {
    const hp = host.page;
    await joinRoom(hp, `${server.base}/exchange-days/${dayId}/live`);
    await hp.getByTestId('live-end').click();
    await hp.getByTestId('live-end-dialog-confirm').click();
    await hp.getByTestId('live-ended').waitFor();

    const visitor = await person('Núria Soler', { language: 'ca', locale: 'ca-ES', width: 360 });
    const check = async (label) => {
      await visitor.page.goto(`${server.base}/exchange-days/${dayId}/live`);
      await visitor.page.getByTestId('live-closed').getByRole('heading', { name: 'Aquesta sessió ha acabat' }).waitFor();
      assert.equal(await visitor.page.getByTestId('live-join').count(), 0, 'no way to join an ended day');
      await checkPage(visitor.page, label);
    };
    await check('live-after-03-ended');
    await server.restart();
    await check('live-after-04-ended-after-restart');
    const status = await visitor.api.get(`/exchange-days/${dayId}/live/status`);
    assert.equal(status.state, 'ended');
    await visitor.ctx.close();
  });
});
