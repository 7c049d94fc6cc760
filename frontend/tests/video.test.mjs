// Cameras in the live room, in two browsers with fake camera and microphone, against the real server and its
// SFU: the host allows cameras in the day's form, a participant joins (not sound only), the host turns the
// camera on and the participant really sees the picture (the spotlight <video> has frames, videoWidth > 0),
// then the host turns it off and the participant's page says "Camera off". A recorded turn with the camera on
// shows its video on the recording page, playing in step with the sound. axe-core at 1280 and 360 px.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, openPage, startServer, signUpViaApi } from './harness.mjs';
import { joinRoom, leaveRoom, screenshotEachStep } from './live-helpers.mjs';

describe('cameras in the live room', () => {
  let server;
  let browser;
  let host;
  let guest;
  let dayId;
  const stamp = Date.now().toString(36);
  const carme = { name: 'Carme Vidal', email: `carme.v.${stamp}@example.org` };
  const dani = { name: 'Dani Rius', email: `dani.v.${stamp}@example.org` };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ fakeMedia: true });
  });
  screenshotEachStep('video', () => [['host', host], ['guest', guest]]);
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the host allows cameras in the day form', async () => {
    host = await openPage(browser, { testFlag: true });
    guest = await openPage(browser, { testFlag: true });
    const h = await signUpViaApi(host.context(), server.base, carme);
    const g = await signUpViaApi(guest.context(), server.base, dani);
    const org = await h.post('/organisations', { name: 'Xarxa Veïnal Sants', kind: 'association', description: '' });
    // The day form holds one date: keep the day inside today in Madrid, or after 22:00 the form says the end
    // comes before the start.
    const now = Date.now();
    const [hh, mm] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(new Date(now)).split(':').map(Number);
    const sinceMidnight = (hh * 60 + mm) * 60_000;
    const untilMidnight = 24 * 3600_000 - sinceMidnight - 60_000;
    const day = await h.post('/exchange-days', {
      hostOrgId: org.id, title: 'Housing: what works in our streets', description: 'An open conversation.',
      startsAt: new Date(now - Math.min(5 * 60_000, sinceMidnight)).toISOString(),
      endsAt: new Date(now + Math.min(2 * 3600_000, untilMidnight)).toISOString(), timeZone: 'Europe/Madrid',
      agenda: [{ text: 'Who did you turn to first?' }],
    });
    assert.equal(day.video, false, 'cameras are off unless the host allows them');
    dayId = day.id;
    await g.post(`/exchange-days/${dayId}/registration`, {});

    await host.goto(`${server.base}/exchange-days/${dayId}/edit`);
    const allow = host.getByLabel('Allow cameras in the live session');
    await allow.waitFor();
    assert.equal(await allow.isChecked(), false);
    await allow.check();
    await checkPage(host, 'video-day-form');
    await host.getByTestId('exchange-edit-submit').click();
    await host.waitForURL(/\/exchange-days\/[^/]+$/);
    const saved = await host.evaluate(async (id) => (await fetch(`/api/v1/exchange-days/${id}`)).json(), dayId);
    assert.equal(saved.video, true);
  });

  it('the host turns the camera on and the participant sees it; off again, the page says so', async () => {
    await joinRoom(guest, `${server.base}/exchange-days/${dayId}/live`);
    await joinRoom(host, `${server.base}/exchange-days/${dayId}/live`);
    // A listener without the floor may not show a camera; the host may.
    assert.equal(await guest.getByTestId('live-camera').count(), 0);
    await guest.getByTestId('live-no-video').filter({ hasText: 'Camera off' }).waitFor();
    const state = host.getByTestId('live-camera-state');
    await state.filter({ hasText: 'Your camera is off.' }).waitFor();
    assert.match(await host.getByTestId('live-camera').textContent(), /Turn my camera on/);

    await host.getByTestId('live-camera').click();
    await state.filter({ hasText: 'Your camera is on: others can see you.' }).waitFor();
    assert.match(await host.getByTestId('live-camera').textContent(), /Turn my camera off/);

    const shown = guest.locator('[data-testid="live-video"][data-live="yes"]');
    await shown.waitFor();
    assert.match(await shown.locator('figcaption').textContent(), /Carme Vidal's camera/);
    await guest.waitForFunction(() => {
      const v = document.querySelector('[data-testid="live-video"][data-live="yes"] video');
      return !!v && v.videoWidth > 0 && !v.paused;
    });
    assert.equal(await guest.getByTestId('live-no-video').count(), 0);
    await checkPage(guest, 'video-room-guest', { idle: false });
    await checkPage(host, 'video-room-host', { idle: false });

    await host.getByTestId('live-camera').click();
    await state.filter({ hasText: 'Your camera is off.' }).waitFor();
    await guest.getByTestId('live-no-video').filter({ hasText: 'Camera off' }).waitFor();
  });

  it('a turn recorded with the camera on shows its video in step with the sound on the recording page', async () => {
    await host.getByTestId('live-camera').click();
    await host.getByTestId('live-camera-state').filter({ hasText: 'Your camera is on: others can see you.' }).waitFor();
    await host.getByTestId('live-recording-toggle').click();
    await guest.getByTestId('live-recording').filter({ hasText: 'This session is being recorded.' }).waitFor();
    // About three seconds of camera in the recording, measured on the picture the participant receives.
    // (3 s of wall-clock time while the picture is live: a live <video>'s currentTime counts from when it
    // started playing, earlier in the session, so it cannot measure this.)
    await guest.locator('[data-testid="live-video"][data-live="yes"] video').waitFor();
    const until = Date.now() + 3000;
    await guest.waitForFunction((t) => Date.now() > t, until, { polling: 100 });
    await host.getByTestId('live-recording-toggle').click();
    await guest.getByTestId('live-recording').filter({ hasText: 'The recording has stopped.' }).waitFor();
    await leaveRoom(guest);
    await leaveRoom(host);

    await host.goto(`${server.base}/exchange-days/${dayId}/recording`);
    await host.getByTestId('rec-player').waitFor();
    await host.getByTestId('rec-video').waitFor();
    assert.match(await host.getByTestId('rec-video-figure').textContent(), /Carme Vidal's camera during this turn/);
    await host.getByTestId('rec-play').click();
    // The video plays muted, at the audio's moment minus its offset (within half a second).
    await host.waitForFunction(() => {
      const v = document.querySelector('[data-testid="rec-video"]');
      const a = document.querySelector('[data-testid="rec-audio"]');
      if (!v || !a || v.paused || !v.muted || v.videoWidth === 0 || v.currentTime < 0.5) return false;
      return Math.abs(a.currentTime - Number(v.dataset.offsetMs) / 1000 - v.currentTime) < 0.5;
    });
    await host.getByTestId('rec-play').click();
    await host.waitForFunction(() => document.querySelector('[data-testid="rec-video"]')?.paused);
    await checkPage(host, 'video-recording', { idle: false });
  });
});
