// The steps of a live session that live.test.mjs and recording.test.mjs share (pages from harness openPage,
// in a browser launched with launchBrowser({ fakeMedia: true }) for the fake microphone): joining the room from
// the lobby, asking for and giving the floor, agreeing to be recorded, giving the floor back and leaving.
// Each step waits for the state the page says in words, never for a fixed time.
import { afterEach } from 'node:test';
import path from 'node:path';
import { screenshotDir } from './harness.mjs';

/**
 * After a test that failed (after every test when TEIXIT_SCREENSHOTS names a folder), a full-page screenshot
 * `<prefix>-step<N>-<label>.png` of every page that `pages()` lists as [label, page] pairs: the state of each
 * page at the step that went wrong.
 */
export function screenshotEachStep(prefix, pages) {
  let step = 0;
  afterEach(async (t) => {
    step++;
    if (!process.env.TEIXIT_SCREENSHOTS && t.passed) return; // as checkPage: asked for, or a picture of what went wrong
    for (const [label, p] of pages()) {
      await p?.screenshot({ path: path.join(screenshotDir(), `${prefix}-step${step}-${label}.png`), fullPage: true }).catch(() => {});
    }
  });
}

/** From the lobby (opening `url` first when given): waits until the microphone is heard, joins, waits for the room. */
export async function joinRoom(p, url) {
  if (url) await p.goto(url);
  await p.getByTestId('mic-result').filter({ hasText: 'We can hear you' }).waitFor();
  await p.getByTestId('live-join').click();
  await p.getByTestId('hearing-status').waitFor();
}

/** The host gives the floor to the person called `name`, whose hand is raised in the queue. */
export async function grantFloor(host, name) {
  await host.getByTestId('live-queue-item').filter({ hasText: name }).getByTestId('live-grant').click();
}

/** The speaker asks for the floor and the host gives it. */
export async function giveFloor(host, speaker, name) {
  await speaker.getByTestId('floor-button').click();
  await grantFloor(host, name);
}

/** The speaker agrees to have their turn recorded; their page then says so. */
export async function consentToRecording(p) {
  await p.getByTestId('live-consent-yes').click();
  await p.getByTestId('live-my-recording').filter({ hasText: 'Your turn is being recorded.' }).waitFor();
}

/** The speaker gives the floor back and is listening again. */
export async function giveBackFloor(p) {
  await p.getByTestId('floor-button').click();
  await p.getByTestId('floor-state').filter({ hasText: 'You are listening' }).waitFor();
}

/** Leaves the room, back on the day's page. */
export async function leaveRoom(p) {
  await p.getByTestId('live-leave').click();
  await p.waitForURL(/\/exchange-days\/[^/]+$/);
}
