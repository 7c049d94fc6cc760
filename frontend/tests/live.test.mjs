// Exchange days and the live open-microphone room, in two browsers with fake microphones, against the real
// server and its SFU: a host creates an organisation and an exchange day starting now, a participant
// registers, both join, the participant asks for the floor, the host gives it, and the host's connection
// really receives the participant's sound (RTCPeerConnection.getStats). The day page, the lobby and the room
// are checked with axe-core at 1280 and 360 px and screenshotted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, launchBrowser, openPage, screenshotDir, startServer } from './harness.mjs';
import { consentToRecording, giveBackFloor, grantFloor, joinRoom, leaveRoom, screenshotEachStep } from './live-helpers.mjs';

const PASSWORD = 'a quiet street in Gràcia';

describe('exchange days and the live room', () => {
  let server;
  let browser;
  let shots;
  let host;
  let guest;
  let dayUrl;
  const stamp = Date.now().toString(36);
  const carme = { name: 'Carme Vidal', email: `carme.${stamp}@example.org` };
  const dani = { name: 'Dani Rius', email: `dani.${stamp}@example.org` };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ fakeMedia: true });
    shots = screenshotDir();
    console.log(`# screenshots in ${shots}`);
  });

  screenshotEachStep('live', () => [['host', host], ['guest', guest]]);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const heading = (p) => p.getByTestId('page-heading');
  const liveRegion = (p) => p.getByTestId('live-region');

  async function registerAccount(p, who) {
    await p.goto(server.base + '/register');
    await p.getByLabel('Name', { exact: true }).fill(who.name);
    await p.getByLabel('Email address').fill(who.email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByTestId('register-submit').click();
    await p.getByTestId('nav-account').waitFor();
  }

  it('a host creates an organisation and an exchange day starting now', async () => {
    host = await openPage(browser, { testFlag: true });
    await registerAccount(host, carme);
    await host.getByTestId('nav-organisations').click();
    await host.getByTestId('org-create-form').waitFor();
    await host.getByLabel('Name of the organisation').fill('Xarxa Veïnal Sants');
    await host.getByTestId('org-create-submit').click();
    await host.waitForURL(/\/organisations\/[^/]+$/);

    await host.getByTestId('nav-exchange-days').click();
    await host.waitForURL('**/exchange-days');
    await host.getByTestId('exchange-new-link').click();
    await host.waitForURL('**/exchange-days/new');
    await host.getByTestId('exchange-new-form').waitFor();
    assert.equal(await host.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new heading');

    // An empty submit shows the error summary, which takes focus and names the fields.
    await host.getByTestId('exchange-new-submit').click();
    await host.getByTestId('error-summary').waitFor();
    assert.equal(await host.evaluate(() => document.activeElement?.dataset.testid), 'error-summary');
    await checkPage(host, 'live-create-errors');

    // Today, from a few minutes ago, in the browser's own time zone (the form's default).
    const { date, start, end } = await host.evaluate(() => {
      const pad = (n) => String(n).padStart(2, '0');
      const s = new Date(Date.now() - 5 * 60_000);
      const e = new Date(s.getTime() + 2 * 3600_000); // late in the evening this ends after midnight: the next day
      return { date: `${s.getFullYear()}-${pad(s.getMonth() + 1)}-${pad(s.getDate())}`, start: `${pad(s.getHours())}:${pad(s.getMinutes())}`, end: `${pad(e.getHours())}:${pad(e.getMinutes())}` };
    });
    await host.getByLabel('Title').fill('Housing: what works in our streets');
    await host.getByLabel('What it is about').fill('An open conversation between neighbours and social workers.');
    await host.getByLabel('Date').fill(date);
    // An evening session may end after midnight: an end before the start is the next day, and the form says so.
    await host.getByLabel('Starts at').fill('22:30');
    await host.getByLabel('Ends at').fill('00:30');
    await host.getByText('Ends the next day, after midnight.').waitFor();
    await host.getByLabel('Starts at').fill(start);
    await host.getByLabel('Ends at').fill(end);
    assert.equal(await host.getByText('Ends the next day, after midnight.').count(), end < start ? 1 : 0);
    await host.getByLabel('Question 1', { exact: true }).fill('What helped you keep your home?');
    await host.getByTestId('exchange-new-agenda-add').click();
    assert.equal(await host.evaluate(() => document.activeElement?.id), 'exchange-new-agenda-1', 'a new question takes focus');
    await host.getByLabel('Question 2', { exact: true }).fill('Who did you turn to first?');
    // Reorder with buttons: question 2 moves up and becomes question 1.
    await host.getByRole('button', { name: 'Move up question 2' }).click();
    assert.equal(await host.getByLabel('Question 1', { exact: true }).inputValue(), 'Who did you turn to first?');
    assert.match(await liveRegion(host).textContent(), /now number 1/);
    await host.getByTestId('exchange-new-submit').click();
    await host.waitForURL(/\/exchange-days\/(?!new$)[^/]+$/);
    dayUrl = host.url();
    await heading(host).filter({ hasText: 'Housing: what works' }).waitFor();
    await host.getByTestId('exchange-agenda').waitFor();
    const agenda = await host.getByTestId('exchange-agenda').locator('li').allTextContents();
    assert.deepEqual(agenda, ['Who did you turn to first?', 'What helped you keep your home?']);
    await host.getByTestId('exchange-manage').waitFor();
    await host.getByTestId('exchange-join-live').waitFor();
    assert.match(await host.getByTestId('exchange-calendar').getAttribute('href'), /calendar\.ics$/);
    await checkPage(host, 'live-day-host');

    // The host changes the title; the form comes back filled in, and saving returns to the day.
    await host.getByTestId('exchange-edit').click();
    await host.waitForURL('**/edit');
    await host.getByTestId('exchange-edit-form').waitFor();
    assert.equal(await host.getByLabel('Question 2', { exact: true }).inputValue(), 'What helped you keep your home?');
    await host.getByLabel('Title').fill('Housing: what works in our streets (open mic)');
    await host.getByTestId('exchange-edit-submit').click();
    await host.waitForURL(/\/exchange-days\/[^/]+$/);
    await heading(host).filter({ hasText: '(open mic)' }).waitFor();
    assert.match(await liveRegion(host).textContent(), /Your changes are saved/);

    // The cancel dialog opens and can be closed without cancelling.
    await host.getByTestId('exchange-cancel-day').click();
    await host.getByTestId('exchange-cancel-dialog').waitFor();
    await host.getByTestId('exchange-cancel-dialog-cancel').click();
    assert.equal(await host.getByTestId('exchange-cancelled').count(), 0);
  });

  it('a participant registers and checks the microphone in the lobby', async () => {
    guest = await openPage(browser, { testFlag: true });
    await registerAccount(guest, dani);
    await guest.getByTestId('nav-exchange-days').click();
    await guest.getByTestId('exchange-day-item').first().waitFor();
    await guest.goto(dayUrl);
    await guest.getByTestId('exchange-register').waitFor();
    assert.match(await guest.getByTestId('exchange-registration-state').textContent(), /not registered yet/);
    assert.equal(await guest.getByTestId('exchange-join-live').count(), 0, 'no join button before registering');
    await checkPage(guest, 'live-day-guest');
    await guest.getByTestId('exchange-register').click();
    await guest.getByTestId('exchange-unregister').waitFor();
    assert.match(await guest.getByTestId('exchange-registration-state').textContent(), /You are registered/);
    assert.equal(await guest.evaluate(() => document.activeElement?.id), 'exchange-registration-toggle', 'focus stays on the button');
    assert.match(await liveRegion(guest).textContent(), /You are registered/);
    await checkPage(guest, 'live-day-registered');

    await guest.getByTestId('exchange-join-live').click();
    await guest.waitForURL('**/live');
    await guest.getByTestId('mic-check').waitFor();
    await guest.getByTestId('mic-result').filter({ hasText: 'We can hear you' }).waitFor();
    await checkPage(guest, 'live-lobby', { idle: false });
    await joinRoom(guest);
    await guest.getByTestId('floor-button').waitFor();
    assert.match(await guest.getByTestId('hearing-status').textContent(), /You are muted: you are not sending sound/);
    assert.match(await guest.getByTestId('floor-button').textContent(), /Ask for the floor/);
  });

  it('the host joins, sees the raised hand in the queue and gives the floor', async () => {
    await host.goto(dayUrl);
    await host.getByTestId('exchange-join-live').click();
    await joinRoom(host);
    await host.getByTestId('live-question').waitFor();
    assert.match(await host.getByTestId('live-question').textContent(), /Question 1 of 2[\s\S]*Who did you turn to first\?/);
    await host.getByTestId('hearing-status').filter({ hasText: 'Everyone hears you' }).waitFor();
    await host.getByTestId('live-participant').filter({ hasText: dani.name }).waitFor();

    await guest.getByTestId('floor-button').click();
    await guest.getByTestId('floor-state').filter({ hasText: 'you are number 1 in the queue' }).waitFor();
    assert.match(await guest.getByTestId('floor-button').textContent(), /Lower my hand/);
    assert.equal(await guest.evaluate(() => document.activeElement?.id), 'floor-button', 'focus stays on the button as its words change');

    const item = host.getByTestId('live-queue-item').filter({ hasText: dani.name });
    await item.waitFor();
    await host.getByTestId('live-participant').filter({ hasText: 'hand raised, number 1 in the queue' }).waitFor();
    await checkPage(host, 'live-room-host', { idle: false });

    // The participant's connection drops: the page says "Reconnecting…", then rejoins with the resume token
    // as the same participant, hand still raised, same place in the queue.
    const row = host.getByTestId('live-participant').filter({ hasText: dani.name });
    const idBefore = await row.getAttribute('data-participant');
    await guest.evaluate(() => window.__teixitLiveSession.ws.close());
    await guest.getByTestId('live-reconnecting').filter({ hasText: 'Reconnecting…' }).waitFor();
    await guest.getByTestId('live-reconnecting').waitFor({ state: 'detached' });
    await guest.waitForFunction(() => /connected again/.test(document.querySelector('[data-testid="live-region"]')?.textContent ?? ''));
    await guest.getByTestId('floor-state').filter({ hasText: 'you are number 1 in the queue' }).waitFor();
    await host.getByTestId('live-participant').filter({ hasText: 'hand raised, number 1 in the queue' }).waitFor();
    assert.equal(await row.getAttribute('data-participant'), idBefore, 'the same participant after the reconnection');

    const floorPackets = () =>
      host.evaluate(async () => {
        const pc = window.__teixitLivePC;
        const id = window.__teixitLiveFloorTrack;
        if (!pc || !id) return -1;
        let n = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.trackIdentifier === id) n += s.packetsReceived ?? 0;
        });
        return n;
      });
    await host.waitForFunction(() => !!window.__teixitLivePC && !!window.__teixitLiveFloorTrack);
    const before = await floorPackets();
    assert.ok(before >= 0, 'the host receives a floor stream');

    await grantFloor(host, dani.name);
    await guest.getByTestId('floor-state').filter({ hasText: 'You have the floor — you can speak now' }).waitFor();
    await guest.getByTestId('hearing-status').filter({ hasText: 'Everyone hears you' }).waitFor();
    assert.match(await guest.getByTestId('floor-button').textContent(), /Give back the floor/);
    assert.match(await liveRegion(guest).textContent(), /You have the floor/);
    await host.getByTestId('live-spotlight').filter({ hasText: `${dani.name} has the floor` }).waitFor();
    await host.getByTestId('live-queue-empty').waitFor();

    // The participant's sound really reaches the host through the SFU.
    let after = before;
    for (let i = 0; i < 60 && after < before + 25; i++) {
      await host.waitForTimeout(500);
      after = await floorPackets();
    }
    assert.ok(after >= before + 25, `floor audio packets received by the host grow (${before} → ${after})`);
    console.log(`# floor audio packets at the host: ${before} before the grant, ${after} after`);
    await checkPage(guest, 'live-room-guest-speaking', { idle: false });

    // In Catalan the room says the same in its own words, and still fits a phone.
    await guest.getByTestId('language-switcher').selectOption('ca');
    await guest.getByTestId('floor-state').filter({ hasText: 'Tens la paraula: ja pots parlar.' }).waitFor();
    assert.match(await guest.getByTestId('hearing-status').textContent(), /Tothom et sent/);
    await checkPage(guest, 'live-room-guest-speaking-ca', { idle: false });
    await guest.getByTestId('language-switcher').selectOption('en');
    await guest.getByTestId('floor-state').filter({ hasText: 'You have the floor' }).waitFor();
  });

  it('the host records: everyone is told, the speaker is asked and agrees, key points and who speaks appear', async () => {
    await host.getByTestId('live-recording').filter({ hasText: 'not being recorded' }).waitFor();
    await host.getByTestId('live-recording-toggle').click();
    await host.getByTestId('live-recording').filter({ hasText: 'This session is being recorded.' }).waitFor();
    assert.match(await host.getByTestId('live-recording-toggle').textContent(), /Stop recording/);
    await guest.getByTestId('live-recording').filter({ hasText: 'This session is being recorded.' }).waitFor();
    assert.equal(await guest.getByTestId('live-recording-toggle').count(), 0, 'only the host starts and stops the recording');

    // The recording started during the participant's turn: they are asked, in plain words, and No would still
    // let them speak.
    const dialog = guest.getByTestId('live-consent-dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Your turn will be recorded\. Do you agree\?[\s\S]*you keep the floor/);
    assert.equal(await guest.evaluate(() => document.activeElement?.dataset.testid), 'live-consent-yes', 'the question takes focus');
    await checkPage(guest, 'live-room-consent', { idle: false });
    await consentToRecording(guest);
    await dialog.waitFor({ state: 'hidden' });
    const dani = host.getByTestId('live-participant').filter({ hasText: 'Dani Rius' });
    await dani.getByTestId('live-participant-consent').filter({ hasText: 'agreed to be recorded' }).waitFor();
    await guest.getByTestId('hearing-status').filter({ hasText: 'Everyone hears you' }).waitFor();

    // Who is speaking, in words, from the room's speaking flags. The fake microphone only beeps for a few
    // milliseconds each half second, too short for the SFU's audio-level hysteresis, so the participant's page
    // reports its level with the protocol's own "speaking" message (what clients without RFC 6464 do).
    await host.getByTestId('live-speaking').filter({ hasText: 'Nobody is speaking right now.' }).waitFor();
    await guest.evaluate(() => window.__teixitLiveSession.send('speaking', { level: 10 }));
    await host.getByTestId('live-speaking').filter({ hasText: 'Dani Rius is speaking.' }).waitFor();
    await guest.getByTestId('live-speaking').filter({ hasText: 'You are speaking.' }).waitFor();
    await guest.evaluate(() => window.__teixitLiveSession.send('speaking', { level: 127 }));
    await host.getByTestId('live-speaking').filter({ hasText: 'Nobody is speaking right now.' }).waitFor();

    // Key points: the host notes one for the current question (POST .../key-points, server/recording) and
    // everyone sees it appear through the room.
    await host.getByLabel(/Key point for question 1/).fill('Ask the neighbours’ association before the bank.');
    await host.getByTestId('live-keypoint-add').click();
    await guest.getByTestId('live-keypoint').filter({ hasText: 'Ask the neighbours’ association before the bank.' }).waitFor();
    await host.getByTestId('live-keypoint').filter({ hasText: 'Ask the neighbours’ association' }).waitFor();
    assert.equal(await host.getByTestId('live-keypoint-input').inputValue(), '', 'the box empties for the next one');
    assert.equal(await guest.getByTestId('live-keypoint-form').count(), 0, 'participants read key points, they do not write them');
    await checkPage(host, 'live-room-host-recording', { idle: false });
    await checkPage(guest, 'live-room-guest-recorded', { idle: false });

    await host.getByTestId('live-recording-toggle').click();
    await guest.getByTestId('live-recording').filter({ hasText: 'The recording has stopped.' }).waitFor();
    await guest.getByTestId('live-my-recording').waitFor({ state: 'detached' });
  });

  it('chat lines are shown and read out; the floor is given back; people leave', async () => {
    await guest.getByLabel('Your message').fill('Thank you, I will be brief.');
    await guest.getByTestId('live-chat-send').click();
    await host.getByTestId('live-chat-line').filter({ hasText: 'Thank you, I will be brief.' }).waitFor();
    await host.waitForFunction(() => /Dani Rius writes: Thank you/.test(document.querySelector('[data-testid="live-region"]')?.textContent ?? ''));

    await host.getByTestId('live-question-next').click();
    await guest.getByTestId('live-question').filter({ hasText: 'Question 2 of 2' }).waitFor();

    await giveBackFloor(guest);
    await guest.getByTestId('hearing-status').filter({ hasText: 'You are muted' }).waitFor();
    await host.getByTestId('live-spotlight').filter({ hasText: 'Nobody has the floor' }).waitFor();

    await leaveRoom(guest);
    await host.getByTestId('live-participant').filter({ hasText: dani.name }).waitFor({ state: 'detached' });

    // The participant comes back; the host ends the session for everyone after confirming.
    await guest.getByTestId('exchange-join-live').click();
    await joinRoom(guest);
    await host.getByTestId('live-participant').filter({ hasText: dani.name }).waitFor();
    assert.equal(await guest.getByTestId('live-end').count(), 0, 'only the host can end the session');
    await host.getByTestId('live-end').click();
    await host.getByTestId('live-end-dialog').filter({ hasText: 'End the session for everyone?' }).waitFor();
    await host.getByTestId('live-end-dialog-confirm').click();
    await guest.getByTestId('live-ended').filter({ hasText: 'The host ended the session for everyone.' }).waitFor();
    await host.getByTestId('live-ended').waitFor();
    await guest.waitForFunction(() => /The host ended the session/.test(document.querySelector('[data-testid="live-region"]')?.textContent ?? ''));
    await checkPage(guest, 'live-room-ended', { idle: false });
    await leaveRoom(guest);
    await leaveRoom(host);

    // The host cancels the day after confirming: the page says so and nobody can join any more.
    await host.getByTestId('exchange-cancel-day').click();
    await host.getByTestId('exchange-cancel-dialog-confirm').click();
    await host.getByTestId('exchange-cancelled').waitFor();
    assert.match(await liveRegion(host).textContent(), /cancelled/);
    assert.equal(await host.getByTestId('exchange-join-live').count(), 0);
    await guest.reload();
    await guest.getByTestId('exchange-registration-state').filter({ hasText: 'was cancelled' }).waitFor();
    await checkPage(guest, 'live-day-cancelled');
  });
});
