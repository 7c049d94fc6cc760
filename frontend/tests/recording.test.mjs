// Recordings, key points and the summary, against the real server, its SFU and recorder: a host and a
// member (who speaks) hold a live session in two Chromium contexts with fake microphones, the host records
// the member's turns on question 1 and on question 2 and notes a key point in each, then: the member opens the
// recording page, plays it, jumps to a chapter and uses the keyboard and the speed; gets a private link
// that works without an account; a registered non-member and an anonymous visitor are refused in the same
// words; the host edits and publishes the summary and everyone (anonymous) reads it; the member asks to
// remove a turn and the host confirms; the host revokes the private links (the link stops working) and sets
// the organisation's retention; the host names the registered resident to take notes, and what she notes in
// the room reaches the host. Every page is checked with axe-core at 1280 and 360 px and screenshotted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkPage, launchBrowser, openPage, screenshotDir, signUpViaApi, startServer } from './harness.mjs';
import { consentToRecording, giveBackFloor, giveFloor, joinRoom, leaveRoom, screenshotEachStep } from './live-helpers.mjs';

describe('recordings, key points and summaries', () => {
  let server;
  let browser;
  let shots;
  let host;
  let member;
  let resident;
  let dayId;
  let orgId;
  let privateLink;
  const pages = [];
  const stamp = Date.now().toString(36);
  // Short addresses: the members list does not break a long one at 360 px (reported, not this test's subject).
  const carme = { name: 'Carme Vidal', email: `c.${stamp}@ex.org` };
  const dani = { name: 'Dani Rius', email: `d.${stamp}@ex.org` };
  const outsider = { name: 'Olga Puig', email: `o.${stamp}@ex.org` };
  const rita = { name: 'Rita Soler', email: `r.${stamp}@ex.org` }; // registered for the day, not a member: speaks once

  const newPage = async (opts) => {
    const p = await openPage(browser, opts);
    pages.push(p);
    return p;
  };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ fakeMedia: true });
    shots = screenshotDir();
    console.log(`# screenshots in ${shots}`);
  });

  screenshotEachStep('rec', () => pages.entries());

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const liveRegion = (p) => p.getByTestId('live-region');
  const recUrl = () => `${server.base}/exchange-days/${dayId}/recording`;

  it('a host and a member hold a live session; two turns are recorded with a key point each', async () => {
    host = await newPage({ testFlag: true });
    member = await newPage({ testFlag: true });
    resident = await newPage({ testFlag: true });
    const h = await signUpViaApi(host.context(), server.base, carme);
    const d = await signUpViaApi(member.context(), server.base, dani);
    const r = await signUpViaApi(resident.context(), server.base, rita);
    orgId = (await h.post('/organisations', { name: 'Xarxa Veïnal Sants', kind: 'association', description: '' })).id;
    const inv = await h.post(`/organisations/${orgId}/invitations`, { email: dani.email, role: 'member' });
    await d.post(`/me/invitations/${inv.id}/accept`, {});
    const now = Date.now();
    const day = await h.post('/exchange-days', {
      hostOrgId: orgId, title: 'Housing: what works in our streets', description: 'An open conversation.',
      startsAt: new Date(now - 5 * 60_000).toISOString(), endsAt: new Date(now + 2 * 3600_000).toISOString(), timeZone: 'Europe/Madrid',
      agenda: [{ text: 'Who did you turn to first?' }, { text: 'What helped you keep your home?' }],
    });
    dayId = day.id;
    await r.post(`/exchange-days/${dayId}/registration`, {});

    for (const p of [host, member, resident]) await joinRoom(p, `${server.base}/exchange-days/${dayId}/live`);
    await giveFloor(host, member, dani.name);
    await member.getByTestId('floor-state').filter({ hasText: 'You have the floor' }).waitFor();

    // Question 1: recording on (the host's microphone is recorded from now on), the speaker agrees, a key point.
    await host.getByTestId('live-recording-toggle').click();
    await consentToRecording(member);
    await host.waitForTimeout(1500);
    await host.getByLabel(/Key point for question 1/).fill('Ask the neighbours’ association before the bank.');
    await host.getByTestId('live-keypoint-add').click();
    await host.getByTestId('live-keypoint').filter({ hasText: 'before the bank' }).waitFor();
    await host.waitForTimeout(500);

    // The resident speaks once on question 1, then the member, on question 2 (a new turn, asked again).
    await giveBackFloor(member);
    await giveFloor(host, resident, rita.name);
    await consentToRecording(resident);
    await host.waitForTimeout(1500);
    await giveBackFloor(resident);
    await host.getByTestId('live-question-next').click();
    await member.getByTestId('live-question').filter({ hasText: 'Question 2 of 2' }).waitFor();
    await giveFloor(host, member, dani.name);
    await consentToRecording(member);
    await host.waitForTimeout(1500);
    await host.getByLabel(/Key point for question 2/).fill('Mediation saved three homes this year.');
    await host.getByTestId('live-keypoint-add').click();
    await host.getByTestId('live-keypoint').filter({ hasText: 'Mediation saved' }).waitFor();
    await host.waitForTimeout(500);
    await host.getByTestId('live-recording-toggle').click();
    await member.getByTestId('live-recording').filter({ hasText: 'The recording has stopped.' }).waitFor();
    for (const p of [member, resident, host]) await leaveRoom(p);
  });

  it('a member plays the recording, jumps to a chapter, uses the keyboard and the speed', async () => {
    await member.goto(recUrl());
    await member.getByTestId('rec-player').waitFor();
    const questions = member.getByTestId('rec-chapter-question');
    assert.equal(await questions.count(), 2, 'two question chapters');
    assert.match(await questions.nth(1).textContent(), /Question 2: What helped you keep your home\?/);
    const speakers = await member.getByTestId('rec-chapter-speaker').allTextContents();
    assert.ok(speakers.some((s) => s.includes(dani.name)) && speakers.some((s) => s.includes(carme.name)), `speakers: ${speakers}`);
    const turns = await member.getByTestId('rec-turn').count();
    assert.ok(turns >= 4, `the host's microphone, the member's two turns and the resident's: ${turns} turns`);
    assert.match(await member.getByTestId('rec-now').textContent(), /Paused: .+ — Question 1: Who did you turn to first\?/);
    assert.equal(await questions.nth(0).getAttribute('aria-current'), 'true');
    assert.match(await member.getByTestId('rec-shortcuts').textContent(), /Space plays or pauses/);
    const keyPoints = await member.getByTestId('rec-keypoint').allTextContents();
    assert.equal(keyPoints.length, 2);
    assert.match(keyPoints[0], /at \d+:\d\d\s*Ask the neighbours/);
    await member.waitForLoadState('networkidle');

    // Play: the audio element really advances (turn 1 is the host's microphone, the longest). Space pauses
    // when the focus is on the page rather than on a button.
    const audio = member.getByTestId('rec-audio');
    await member.getByTestId('rec-play').click();
    await member.waitForFunction(() => document.querySelector('[data-testid="rec-audio"]').currentTime > 0.3);
    assert.match(await member.getByTestId('rec-play').textContent(), /Pause/);
    assert.match(await member.getByTestId('rec-now').textContent(), /Now playing: /);
    await member.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await member.keyboard.press(' ');
    await member.getByTestId('rec-play').filter({ hasText: 'Play' }).waitFor();
    assert.match(await member.getByTestId('rec-now').textContent(), /Paused: /);
    assert.equal(await audio.evaluate((a) => a.paused), true);

    // Jump to the chapter of question 2: its first turn plays, the chapter is marked as the current one.
    const before = Number(await member.getByTestId('rec-player').getAttribute('data-position-ms'));
    await questions.nth(1).click();
    await member.waitForFunction(() => document.querySelectorAll('[data-testid="rec-chapter-question"]')[1].getAttribute('aria-current') === 'true');
    assert.equal(await questions.nth(0).getAttribute('aria-current'), null);
    assert.match(await questions.nth(1).textContent(), /you are here/);
    const after = Number(await member.getByTestId('rec-player').getAttribute('data-position-ms'));
    assert.ok(after > before, `the position moved forward to the chapter (${before} → ${after} ms)`);
    const q2turn = await member.getByTestId('rec-player').getAttribute('data-turn');
    // That turn's file is the one in the player, and it plays (it is short: it may have ended already).
    await member.waitForFunction((n) => {
      const a = document.querySelector('[data-testid="rec-audio"]');
      return a.getAttribute('src').includes(`%3A${n}`) || a.getAttribute('src').includes(`:${n}`) ? a.currentTime > 0.2 || a.ended : false;
    }, q2turn);
    assert.match(await member.getByTestId('rec-now').textContent(), /Question 2: What helped you keep your home\?|End of the recording/);
    console.log(`# after the jump: turn ${q2turn}, audio at ${(await audio.evaluate((a) => a.currentTime)).toFixed(2)} s`);

    // P goes to the previous turn; keys typed in a form control are not shortcuts.
    await member.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await member.keyboard.press('p');
    await member.waitForFunction((t) => document.querySelector('[data-testid="rec-player"]').dataset.turn !== t, q2turn);
    await member.getByTestId('rec-speed').selectOption('1.5');
    assert.equal(await audio.evaluate((a) => a.playbackRate), 1.5);
    const turnBefore = await member.getByTestId('rec-player').getAttribute('data-turn');
    await member.getByTestId('rec-speed').focus();
    await member.keyboard.press('n');
    assert.equal(await member.getByTestId('rec-player').getAttribute('data-turn'), turnBefore, 'n in a list box is not a shortcut');

    // A key point plays from its moment: the turn of the person who had the floor then (the member's turn on
    // question 2, not the host's microphone recorded all along, which also covers that moment).
    const floorTurn = await member.evaluate(async ([day, name]) => {
      const rec = await (await fetch(`/api/v1/exchange-days/${day}/recording`)).json();
      return String(rec.turns.find((t) => t.speaker === name && t.question === 1).number);
    }, [dayId, dani.name]);
    await member.getByTestId('rec-keypoint').filter({ hasText: 'Mediation saved' }).click();
    await member.waitForFunction((t) => document.querySelector('[data-testid="rec-player"]').dataset.turn === t, floorTurn);
    assert.match(await member.getByTestId('rec-download').getAttribute('href'), /\/recording\/download$/);

    // A private link, with its expiry in words, that works without an account.
    await member.getByTestId('rec-link-get').click();
    await member.getByTestId('rec-link-url').waitFor();
    privateLink = await member.getByTestId('rec-link-url').inputValue();
    assert.match(privateLink, new RegExp(`/exchange-days/${dayId}/recording\\?link=`));
    assert.match(await member.getByTestId('rec-link-expiry').textContent(), /It works until .+ \(7 days\)/);
    assert.match(await liveRegion(member).textContent(), /private link is ready/);
    assert.equal(await member.getByTestId('rec-link-revoke').count(), 0, 'only the host revokes links');
    await checkPage(member, 'rec-player-member-link', { idle: false });
    // In Catalan (the default language) the player says the same in its words and still fits a phone.
    await member.getByTestId('language-switcher').selectOption('ca');
    await member.getByTestId('rec-now').filter({ hasText: /^\s*Intervenció \d de \d\s+(En pausa: |Ara sona: |Final de l'enregistrament\.)/ }).waitFor();
    assert.match(await member.getByTestId('rec-shortcuts').textContent(), /l'espai reprodueix o posa en pausa/);
    await checkPage(member, 'rec-player-member-ca', { idle: false });
    await member.getByTestId('language-switcher').selectOption('en');
    await member.getByTestId('rec-play').filter({ hasText: /Play|Pause/ }).waitFor();

    const anon = await newPage();
    await anon.goto(privateLink);
    await anon.getByTestId('rec-via-link').waitFor();
    assert.ok((await anon.getByTestId('rec-turn').count()) >= 4);
    await anon.getByTestId('rec-play').click();
    await anon.waitForFunction(() => document.querySelector('[data-testid="rec-audio"]').currentTime > 0.2);
    assert.match(await anon.getByTestId('rec-download').getAttribute('href'), /download\?link=/);
    await anon.close();
  });

  it('a registered non-member and an anonymous visitor are refused in the same plain words', async () => {
    const other = await newPage();
    await signUpViaApi(other.context(), server.base, outsider);
    await other.goto(recUrl());
    const refused = other.getByTestId('rec-refused');
    await refused.waitFor();
    const text = await refused.textContent();
    assert.match(text, /cannot be opened here/);
    assert.equal(await other.getByTestId('rec-player').count(), 0);
    await other.screenshot({ path: path.join(shots, 'rec-refused-outsider.png'), fullPage: true });

    const anon = await newPage();
    await anon.goto(`${server.base}/exchange-days/${dayId}/recording?link=tampered.1.x`);
    await anon.getByTestId('rec-refused').waitFor();
    assert.equal((await anon.getByTestId('rec-refused').locator('p').first().textContent()), (await refused.locator('p').first().textContent()));
    await anon.goto(`${server.base}/exchange-days/no-such-day/recording`);
    await anon.getByTestId('rec-refused').waitFor();
    await anon.getByRole('link', { name: 'Members: log in to listen' }).waitFor();
    await checkPage(anon, 'rec-refused-anonymous', { idle: false });
    await other.close();
    await anon.close();
  });

  it('the resident who spoke, not a member, hears only their own turn and asks to remove it', async () => {
    await resident.goto(`${server.base}/exchange-days/${dayId}`);
    await resident.getByTestId('day-recording-link').filter({ hasText: 'Your recorded turns' }).click();
    await resident.waitForURL(/\/recording$/);
    await resident.getByTestId('rec-own-only').waitFor();
    const turns = await resident.getByTestId('rec-turn').allTextContents();
    assert.equal(turns.length, 1);
    assert.match(turns[0], new RegExp(rita.name));
    for (const hidden of ['rec-keypoints', 'rec-download', 'rec-links']) assert.equal(await resident.getByTestId(hidden).count(), 0, hidden);
    await resident.getByTestId('rec-play').click();
    await resident.waitForFunction(() => document.querySelector('[data-testid="rec-audio"]').currentTime > 0.2);
    await resident.getByTestId('rec-redact-turn').check();
    await resident.getByTestId('rec-redact-ask').click();
    await resident.getByTestId('rec-redaction').filter({ hasText: 'waiting for the host to confirm' }).waitFor();
    await checkPage(resident, 'rec-own-turns-resident');
  });

  it('the host edits and publishes the summary; everyone reads it, with who can read it in words', async () => {
    await host.goto(`${server.base}/exchange-days/${dayId}`);
    const summary = host.getByTestId('day-summary');
    await summary.waitFor();
    assert.match(await host.getByTestId('summary-status').textContent(), /Draft: only the organisers can see it\. Once published: Everyone can read it\./);
    assert.match(await summary.textContent(), /Ask the neighbours’ association before the bank\./);
    assert.equal(await host.getByTestId('summary-moment').count(), 2, 'each key point links to its moment');
    assert.match(await host.getByTestId('summary-moment').first().getAttribute('href'), new RegExp(`/exchange-days/${dayId}/recording\\?t=\\d+`));
    await host.getByTestId('day-recording-link').waitFor();
    await checkPage(host, 'rec-day-host-draft');

    await host.getByTestId('summary-edit').click();
    assert.equal(await host.evaluate(() => document.activeElement?.id), 'summary-q0', 'the first box takes focus');
    const box = host.getByLabel('Question 1: Who did you turn to first?');
    await box.fill(`${await box.inputValue()}\n- **Neighbours first**, then the services.`);
    await checkPage(host, 'rec-summary-editor', { idle: false });
    await host.getByTestId('summary-save').click();
    await summary.locator('strong', { hasText: 'Neighbours first' }).waitFor();
    assert.match(await liveRegion(host).textContent(), /summary is saved/);
    await host.getByTestId('summary-publish').click();
    await host.getByTestId('summary-status').filter({ hasText: /Published on .+\. Everyone can read it\./ }).waitFor();
    assert.match(await liveRegion(host).textContent(), /The summary is published\. Everyone can read it\./);
    assert.equal(await host.getByTestId('summary-publish').count(), 0);

    // A moment link opens the recording page at that moment.
    await host.getByTestId('summary-moment').nth(1).click();
    await host.waitForURL(/\/recording\?t=\d+$/);
    await host.getByTestId('rec-now').filter({ hasText: 'Question 2' }).waitFor();
    // The player lands on the turn the server links the moment to: the member's, who had the floor.
    const momentTurn = await host.evaluate(async (day) => {
      const s = await (await fetch(`/api/v1/exchange-days/${day}/summary`)).json();
      return String(s.sections[1].moments[0].turn);
    }, dayId);
    await host.waitForFunction((t) => document.querySelector('[data-testid="rec-player"]')?.dataset.turn === t, momentTurn);
    assert.match(await host.getByTestId('rec-now').textContent(), new RegExp(dani.name));

    // Search results lead to /exchange-days/:id/summary: the day's page, with the summary in focus.
    const anon = await newPage();
    await anon.goto(`${server.base}/exchange-days/${dayId}/summary`);
    await anon.getByTestId('day-summary').waitFor();
    await anon.waitForFunction(() => document.activeElement?.id === 'summary-title');
    assert.match(await anon.getByTestId('summary-status').textContent(), /Everyone can read it/);
    await anon.getByTestId('day-summary').locator('strong', { hasText: 'Neighbours first' }).waitFor();
    assert.match(await anon.getByTestId('day-summary').textContent(), /Mediation saved three homes this year\./);
    assert.equal(await anon.getByTestId('summary-moment').count(), 0, 'no links to a recording they cannot hear');
    assert.equal(await anon.getByTestId('day-recording').count(), 0);
    assert.equal(await anon.getByTestId('summary-edit').count(), 0);
    await checkPage(anon, 'rec-day-anonymous-summary');
    // Anyone may read what people said about the summary; signing in to say something comes back here.
    await anon.getByTestId('day-summary').getByTestId('comments').waitFor();
    assert.match(await anon.getByTestId('comments-login').getAttribute('href'), /next=%2Fexchange-days%2F/);

    // The member who spoke comments on the summary; the anonymous reader sees it on reload.
    const commenter = member;
    await commenter.goto(`${server.base}/exchange-days/${dayId}`);
    await commenter.getByTestId('day-summary').getByTestId('comment-text').fill('Thank you, the part on mediation helps our building.');
    await commenter.getByTestId('comment-send').click();
    await commenter.getByTestId('comments').getByText('the part on mediation helps our building').waitFor();
    await checkPage(commenter, 'rec-day-summary-comment');
    await anon.reload();
    await anon.getByTestId('comments').getByText('the part on mediation helps our building').waitFor();

    // Changing the published summary asks the host to republish; readers keep the published text meanwhile.
    await host.goto(`${server.base}/exchange-days/${dayId}`);
    await summary.waitFor();
    await host.getByTestId('summary-edit').click();
    const again = host.getByLabel('Question 1: Who did you turn to first?');
    await again.fill(`${await again.inputValue()}\n- A second thought after the day.`);
    await host.getByTestId('summary-save').click();
    await host.getByTestId('summary-review').filter({ hasText: 'readers still see the published version' }).waitFor();
    await checkPage(host, 'rec-summary-changed-since-published');
    await anon.close();
    // (A public summary may be cached for a minute: each check is a new visitor.)
    const reader = await newPage();
    await reader.goto(`${server.base}/exchange-days/${dayId}`);
    await reader.getByTestId('day-summary').locator('strong', { hasText: 'Neighbours first' }).waitFor();
    assert.doesNotMatch(await reader.getByTestId('day-summary').textContent(), /A second thought/, 'readers keep the published text');
    await reader.close();
    await host.getByTestId('summary-republish').click();
    await host.getByTestId('summary-republish').waitFor({ state: 'detached' });
    assert.equal(await host.getByTestId('summary-review').count(), 0);
    const later = await newPage();
    await later.goto(`${server.base}/exchange-days/${dayId}`);
    await later.getByTestId('day-summary').getByText('A second thought after the day.').waitFor();
    await later.close();
  });

  it('the member asks to remove a turn and the host confirms; the host revokes links and sets retention', async () => {
    await member.goto(recUrl());
    await member.getByTestId('rec-redact-form').waitFor();
    const before = await member.getByTestId('rec-turn').count();
    await member.getByTestId('rec-redact-ask').click();
    await member.getByText('Choose at least one turn.').waitFor();
    await member.getByTestId('rec-redact-turn').first().check();
    await member.getByTestId('rec-redact-ask').click();
    await member.getByTestId('rec-redaction').filter({ hasText: 'waiting for the host to confirm' }).waitFor();
    assert.match(await liveRegion(member).textContent(), /request was sent/);
    await checkPage(member, 'rec-redaction-asked', { idle: false });

    await host.goto(recUrl());
    const request = host.getByTestId('rec-redaction').filter({ hasText: dani.name });
    await request.waitFor();
    await request.getByTestId('rec-redaction-confirm').click();
    await host.getByTestId('rec-redact-dialog').filter({ hasText: 'Remove these turns for good?' }).waitFor();
    await checkPage(host, 'rec-redaction-confirm-dialog', { idle: false });
    await host.getByTestId('rec-redact-dialog-confirm').click();
    await host.getByTestId('rec-redaction').filter({ hasText: 'Removed on' }).waitFor();
    await host.waitForFunction((n) => document.querySelectorAll('[data-testid="rec-turn"]').length === n - 1, before);
    // Once removed, the request still says who asked and which turn it was (stored with the request).
    const done = host.getByTestId('rec-redaction').filter({ hasText: 'Removed on' });
    assert.equal(await done.getByTestId('rec-redaction-who').textContent(), dani.name);
    assert.match(await done.textContent(), /Question 1, \d+ min \d+ s/);
    assert.doesNotMatch(await done.textContent(), /\(removed\)/);
    // The key point noted while that turn was spoken is gone with it.
    await host.getByTestId('rec-keypoint').filter({ hasText: 'before the bank' }).waitFor({ state: 'detached' });
    assert.equal(await host.getByTestId('rec-keypoint').count(), 1);

    // Revoking: the member's private link stops working, with the same words as any refusal.
    await host.getByTestId('rec-link-revoke').click();
    await host.getByTestId('rec-revoke-dialog-confirm').click();
    await host.getByTestId('rec-revoke-dialog').waitFor({ state: 'hidden' });
    assert.match(await liveRegion(host).textContent(), /have stopped working/);
    const anon = await newPage();
    await anon.goto(privateLink);
    await anon.getByTestId('rec-refused').waitFor();
    await anon.close();

    // Retention, off by default, on the organisation page for its admins.
    await host.goto(`${server.base}/organisations/${orgId}`);
    await host.getByTestId('retention-state').filter({ hasText: 'kept until someone deletes them' }).waitFor();
    await host.getByTestId('retention-on').check();
    await host.getByLabel('Delete recordings after this many days').fill('30');
    await host.getByTestId('retention-save').click();
    await host.getByTestId('retention-state').filter({ hasText: 'deleted 30 days after they are made' }).waitFor();
    await checkPage(host, 'rec-org-retention', { idle: false });
    await member.goto(`${server.base}/organisations/${orgId}`);
    await member.getByTestId('my-role').waitFor();
    assert.equal(await member.getByTestId('retention').count(), 0, 'only admins see the setting');
  });

  it('the host names a registered participant to take notes; she notes a key point in the room and the host sees it', async () => {
    const dayUrl = `${server.base}/exchange-days/${dayId}`;
    await host.goto(dayUrl);
    const select = host.getByLabel('Who takes notes (key points) during the session?');
    await select.waitFor();
    assert.match(await host.getByTestId('rapporteur-now').textContent(), /Nobody has been chosen to take notes/);
    const options = await select.locator('option').allTextContents();
    assert.ok(options.includes(`${dani.name} (Member)`) && options.includes(`${carme.name} (Admin)`) && options.includes(rita.name), `options: ${options}`);
    assert.ok(!options.some((o) => o.includes(outsider.name)), 'only members and registered people');
    await checkPage(host, 'rec-day-rapporteur-choice');
    await select.selectOption({ label: rita.name });
    await host.getByTestId('rapporteur-save').click();
    await host.getByTestId('rapporteur-now').filter({ hasText: `${rita.name} takes notes (key points) during the session.` }).waitFor();
    assert.match(await liveRegion(host).textContent(), new RegExp(`${rita.name} now takes notes`));

    // Everyone taking part reads who it is; only the organisers choose.
    await member.goto(dayUrl);
    await member.getByTestId('rapporteur-now').filter({ hasText: `${rita.name} takes notes` }).waitFor();
    assert.equal(await member.getByTestId('rapporteur-form').count(), 0);
    await resident.goto(dayUrl);
    await resident.getByTestId('rapporteur-now').filter({ hasText: 'You take notes (key points) during the session.' }).waitFor();
    await checkPage(resident, 'rec-day-rapporteur-named');

    // In the room she has the key-point box; what she notes appears for the host.
    for (const p of [host, resident]) await joinRoom(p, `${dayUrl}/live`);
    await resident.getByLabel(/Key point for question \d/).fill('The tenants’ union answered within a day.');
    await resident.getByTestId('live-keypoint-add').click();
    await host.getByTestId('live-keypoint').filter({ hasText: 'tenants’ union answered within a day' }).waitFor();
    for (const p of [resident, host]) await leaveRoom(p);
  });
});
