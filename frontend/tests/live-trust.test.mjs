// A live room people can trust (issue #15 points 1, 2, 3 and 6), with three Chromium peers and fake
// microphones against the real server and SFU:
// - Núria (Catalan, on a 360-px phone) presses "Join" while the browser is still asking for her microphone:
//   the lobby waits for the answer instead of letting her in unheard; once in, her page says she is heard only
//   when the server receives her sound (the participant's `mic`), and so does the host's.
// - Pau refuses the microphone: he joins as a listener who is told so, and turns the microphone on later.
// - Hands carry the guide question they were raised for; the host moves on keeping them, then without them.
// - Núria reloads the page with her hand up: same participant, same place, same question tag, no ghost. Her
//   kept place (resume token) planted in Pau's browser is refused and Pau joins as himself.
// - On the phone the floor button is on the first screen; host controls are folded per person; a floor holder
//   muted by a moderator reads one consistent state. Axe clean at 1280 and 360 px in Catalan.
// Every step waits for a state the page shows, never for a fixed time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, screenshotDir, signUpViaApi, startServer } from './harness.mjs';
import { screenshotEachStep } from './live-helpers.mjs';

describe('a live room people can trust', () => {
  let server;
  let browser;
  let shots;
  let host;
  let nuria;
  let pau;
  let dayId;
  let room;
  const stamp = Date.now().toString(36);

  /** A signed-in page in a context of its own; `gate` holds back getUserMedia, `refuseFirst` refuses it once. */
  async function person(name, { locale = 'en-US', language = 'en', viewport = { width: 1280, height: 900 }, gate = false, refuseFirst = false } = {}) {
    const ctx = await browser.newContext({ locale, viewport, bypassCSP: true, reducedMotion: 'reduce' });
    ctx.setDefaultTimeout(60_000);
    const api = await signUpViaApi(ctx, server.base, { email: `${name.split(' ')[0].toLowerCase()}.${stamp}@example.org`, name, language });
    await ctx.addInitScript(({ gate, refuseFirst }) => {
      const md = navigator.mediaDevices;
      if (!md) return;
      const real = md.getUserMedia.bind(md);
      let open = null;
      const opened = new Promise((r) => (open = r));
      window.__allowMic = () => open();
      let calls = 0;
      md.getUserMedia = async (c) => {
        calls++;
        if (refuseFirst && calls === 1) throw new DOMException('refused in the test', 'NotAllowedError');
        if (gate) await opened; // the person has not answered the browser's question yet
        return real(c);
      };
    }, { gate, refuseFirst });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => assert.fail(`page error (${name}): ${e.message}`));
    return { ctx, api, page };
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ fakeMedia: true });
    shots = screenshotDir();
    const h = await person('Carme Vidal');
    const org = await h.api.post('/organisations', { name: 'Casal de Sants', kind: 'association' });
    const start = Date.now() - 5 * 60_000;
    dayId = (await h.api.post('/exchange-days', {
      hostOrgId: org.id, title: 'Habitatge al barri', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 2 * 3600_000).toISOString(),
      agenda: [{ text: 'Qui et va ajudar primer?' }, { text: 'Què et va servir?' }, { text: 'Què canviaríem?' }],
    })).id;
    room = `${server.base}/exchange-days/${dayId}/live`;
    host = h.page;
    const n = await person('Núria Puig', { locale: 'ca-ES', language: 'ca', viewport: { width: 360, height: 740 }, gate: true });
    await n.api.post(`/exchange-days/${dayId}/registration`, {});
    nuria = n.page;
    const p = await person('Pau Serra', { refuseFirst: true });
    await p.api.post(`/exchange-days/${dayId}/registration`, {});
    pau = p.page;
  });

  screenshotEachStep('live-trust', () => [['host', host], ['nuria', nuria], ['pau', pau]]);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const hearingState = (p) => p.getByTestId('hearing-status').getAttribute('data-state');
  const waitHearing = (p, state) => p.locator(`[data-testid="hearing-status"][data-state="${state}"]`).waitFor();
  const entry = (p, name) => p.getByTestId('live-participant').filter({ hasText: name });
  const entryId = (p, name) => entry(p, name).getAttribute('data-participant');

  it('the host joins and is heard only once the server receives her sound', async () => {
    await host.goto(room);
    await host.getByTestId('mic-result').filter({ hasText: 'We can hear you' }).waitFor();
    await host.getByTestId('live-join').click();
    await waitHearing(host, 'on');
    await host.getByTestId('hearing-status').filter({ hasText: 'Everyone hears you' }).waitFor();
  });

  it('"Join" pressed before the microphone check waits for it, then Núria is in with her microphone', async () => {
    await nuria.goto(room);
    await nuria.getByTestId('mic-check').waitFor();
    await nuria.getByTestId('live-join').click(); // the browser is still asking for the microphone
    await nuria.getByTestId('live-waiting-mic').waitFor();
    assert.ok(await nuria.getByTestId('live-join').isDisabled(), 'no second press while waiting');
    assert.equal(await nuria.getByTestId('hearing-status').count(), 0, 'not in the room before the microphone answer');
    assert.equal(await entry(host, 'Núria Puig').count(), 0);
    await nuria.evaluate(() => window.__allowMic());
    await waitHearing(nuria, 'off'); // in, with a microphone, listening
    assert.match(await nuria.getByTestId('hearing-how').innerText(), /Demana la paraula/);
    await entry(host, 'Núria Puig').waitFor();
  });

  it('Pau refuses the microphone: he joins as a listener who is told so, and turns it on later', async () => {
    // Núria's kept place (her resume token) planted in Pau's browser: refused, he joins as himself.
    const nuriaToken = await nuria.evaluate((day) => localStorage.getItem(`teixit.live.resume.${day}`), dayId);
    assert.ok(nuriaToken && JSON.parse(nuriaToken).token, 'the room keeps its place in the browser');
    await pau.goto(`${server.base}/exchange-days/${dayId}`);
    await pau.evaluate(([day, kept]) => localStorage.setItem(`teixit.live.resume.${day}`, kept), [dayId, nuriaToken]);
    await pau.goto(room);
    await pau.getByTestId('mic-problem').waitFor();
    await pau.getByTestId('live-join').click();
    await waitHearing(pau, 'noMic');
    await pau.getByTestId('live-notice').filter({ hasText: 'could not give you back your earlier place' }).waitFor();
    await entry(host, 'Pau Serra').waitFor();
    assert.equal(await entry(host, 'Núria Puig').getByTestId('live-participant-state').innerText(), 'listening', 'Núria is untouched');
    assert.equal(await entry(host, 'Núria Puig').count(), 1);

    await pau.getByTestId('live-mic-on').click();
    await waitHearing(pau, 'off');
    await pau.getByTestId('hearing-how').waitFor();
  });

  it('hands carry their guide question; the host keeps them, then lowers the old ones', async () => {
    await nuria.getByTestId('floor-button').click();
    await host.getByTestId('live-queue-item').filter({ hasText: 'Núria Puig' }).waitFor();
    await host.getByTestId('live-question-next').click(); // keeping hands (the default)
    await pau.getByTestId('live-question').filter({ hasText: 'Question 2 of 3' }).waitFor();
    await pau.getByTestId('floor-button').click();
    const pauItem = host.getByTestId('live-queue-item').filter({ hasText: 'Pau Serra' });
    await pauItem.waitFor();
    const nuriaItem = host.getByTestId('live-queue-item').filter({ hasText: 'Núria Puig' });
    assert.match(await nuriaItem.getByTestId('live-queue-question').innerText(), /raised for question 1/);
    assert.match(await pauItem.getByTestId('live-queue-question').innerText(), /question 2 \(now\)/);
    await checkPage(host, 'live-trust-queue-host', { shots, idle: false });

    // Back to question 1 without keeping hands: Pau's (for question 2) is lowered, Núria's stays.
    await host.getByTestId('live-keep-hands').uncheck();
    await host.getByTestId('live-question-prev').click();
    await pau.getByTestId('floor-state').filter({ hasText: 'You are listening' }).waitFor();
    await pauItem.waitFor({ state: 'detached' });
    assert.equal(await host.getByTestId('live-queue-item').count(), 1);
    assert.match(await nuria.getByTestId('floor-state').innerText(), /número 1 de la cua/);
  });

  it('Núria reloads with her hand up: the same person, place and question, and no ghost', async () => {
    const before = await entryId(host, 'Núria Puig');
    const people = await host.getByTestId('live-participant').count();
    await nuria.reload();
    await nuria.getByTestId('live-kept-place').waitFor();
    await nuria.evaluate(() => window.__allowMic());
    await nuria.getByTestId('live-join').click();
    await nuria.getByTestId('floor-state').filter({ hasText: 'número 1 de la cua' }).waitFor();
    await entry(host, 'Núria Puig').getByTestId('live-participant-state').filter({ hasText: 'number 1 in the queue' }).waitFor();
    assert.equal(await entryId(host, 'Núria Puig'), before, 'the same participant');
    assert.equal(await host.getByTestId('live-participant').count(), people, 'no ghost');
    assert.equal(await entry(host, 'Núria Puig').count(), 1);
    assert.equal(await host.getByTestId('live-queue-item').first().getAttribute('data-question'), '0');
  });

  it('on the phone the floor button is on the first screen, and the states agree', async () => {
    const box = await nuria.getByTestId('floor-button').boundingBox();
    assert.ok(box && box.y + box.height <= 740, `the floor button ends at ${box && box.y + box.height} px on a 740-px screen`);
    await checkPage(nuria, 'live-trust-room-ca', { shots, idle: false });

    // The host, on a phone too, finds each person's controls folded under their name.
    await host.setViewportSize({ width: 360, height: 740 });
    const actions = entry(host, 'Núria Puig').getByTestId('live-person-actions');
    assert.equal(await actions.getAttribute('open'), null, 'folded');
    await host.getByTestId('live-queue-item').filter({ hasText: 'Núria Puig' }).getByTestId('live-grant').click();
    await waitHearing(nuria, 'on'); // heard only once the server receives her sound
    await entry(host, 'Núria Puig').getByTestId('live-participant-state').filter({ hasText: /has the floor|speaking/ }).waitFor();

    await actions.getByTestId('live-person-actions-open').click();
    await actions.getByTestId('live-mute-toggle').click();
    await waitHearing(nuria, 'mutedByModerator');
    const said = await nuria.getByTestId('floor-state').innerText();
    assert.doesNotMatch(said, /ja pots parlar/, 'never "you can speak now" while muted');
    assert.match(said, /t'ha silenciat/);
    await checkPage(host, 'live-trust-host-phone', { shots, idle: false, widths: [360] });
    assert.equal(await hearingState(host), 'on');
  });
});
