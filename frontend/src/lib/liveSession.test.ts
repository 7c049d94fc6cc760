// The live session's bookkeeping, with a fake socket and a fake peer connection: the state the room shows,
// the microphone attached only while the person may be heard, and rejoining with the resume token.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { LiveSession, canBeHeard, endedKind, hearing, keptPlace, mayUseCamera, needsConsent, queuePlace, type LiveEvent, type LiveParticipant, type LiveState } from './liveSession';
import { participantState } from './liveWords';

class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: { type: string; payload?: Record<string, unknown> }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(s: string) { this.sent.push(JSON.parse(s)); }
  close() { this.readyState = 3; this.onclose?.(); }
  open() { this.readyState = 1; this.onopen?.(); }
  receive(type: string, payload: unknown) { this.onmessage?.({ data: JSON.stringify({ v: 1, type, payload }) }); }
}

class FakeSender {
  track: unknown = null;
  async replaceTrack(t: unknown) { this.track = t; }
}
class FakePC {
  onicecandidate: unknown = null;
  oniceconnectionstatechange: unknown = null;
  iceConnectionState = 'new';
  ontrack: unknown = null;
  closed = false;
  sender = new FakeSender();
  transceiver = { receiver: { track: { kind: 'audio' } }, sender: this.sender, direction: 'recvonly' };
  localDescription: { sdp: string } | null = null;
  getTransceivers() { return [this.transceiver]; }
  async setRemoteDescription() {}
  async createAnswer() { return { type: 'answer', sdp: 'answer-sdp' }; }
  async setLocalDescription(d: { sdp: string }) { this.localDescription = d; }
  async addIceCandidate() {}
  close() { this.closed = true; }
}

const person = (over: Partial<LiveParticipant>): LiveParticipant => ({
  id: 'p', displayName: 'P', role: 'listener', handRaised: false, hasFloor: false, muted: false, speaking: false, connected: true, ...over,
});

describe('live session', () => {
  let sockets: FakeSocket[];
  let pcs: FakePC[];
  const mic = { getAudioTracks: () => ['mic-track'], getTracks: () => [] } as unknown as MediaStream;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    sockets = [];
    pcs = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('location', { protocol: 'https:', host: 'teixit.example' });
    vi.stubGlobal('RTCPeerConnection', function () { const pc = new FakePC(); pcs.push(pc); return pc; });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function start(events: LiveEvent[] = []) {
    const s = new LiveSession({ dayId: 'day 1', audioOnly: true, mic, iceServers: [], onevent: (e) => events.push(e),
      socket: (url) => { const ws = new FakeSocket(url); sockets.push(ws); return ws as unknown as WebSocket; } });
    s.start();
    sockets[0].open();
    return s;
  }
  const welcome = (ws: FakeSocket, you = 'me', extra: Partial<LiveParticipant> = {}) =>
    ws.receive('welcome', { you, role: 'listener', resumeToken: 'tok', room: { participants: [person({ id: you, ...extra }), person({ id: 'h', role: 'host', displayName: 'Host' })], queue: [], question: 0, questions: 2, chat: [] } });

  it('attaches the camera to the video m-line while the person holds the floor and lets go of it after', async () => {
    const stopped: string[] = [];
    const cam = { getVideoTracks: () => ['cam-track'], getTracks: () => [{ stop: () => stopped.push('cam') }] } as unknown as MediaStream;
    const s = new LiveSession({ dayId: 'd', audioOnly: false, mic, iceServers: [], openCamera: async () => cam,
      socket: (url) => { const ws = new FakeSocket(url); sockets.push(ws); return ws as unknown as WebSocket; } });
    s.start();
    sockets[0].open();
    welcome(sockets[0], 'me', { hasFloor: true, role: 'speaker' });
    const videoSender = new FakeSender();
    const videoTr = { receiver: { track: { kind: 'video' } }, sender: videoSender, direction: 'recvonly' };
    pcs[0].getTransceivers = () => [pcs[0].transceiver, videoTr];
    sockets[0].receive('offer', { sdp: 'offer-sdp' });
    await vi.waitFor(() => expect(pcs[0].localDescription).not.toBeNull());
    expect(videoTr.direction).toBe('sendonly');
    expect(videoSender.track).toBeNull();
    await s.setCamera(true);
    expect(videoSender.track).toBe('cam-track');
    expect(get(s.state)).toMatchObject({ camera: true, showing: true });
    sockets[0].receive('participant', person({ id: 'me', role: 'speaker', hasFloor: false }));
    await vi.waitFor(() => expect(videoSender.track).toBeNull());
    expect(stopped).toEqual(['cam']);
    expect(get(s.state)).toMatchObject({ camera: false, showing: false });
  });
  it('joins over wss on the day’s address and answers the server’s offer with the microphone detached', async () => {
    const s = start();
    expect(sockets[0].url).toBe('wss://teixit.example/api/v1/exchange-days/day%201/live');
    expect(sockets[0].sent[0]).toMatchObject({ type: 'join', payload: { audioOnly: true } });
    welcome(sockets[0]);
    sockets[0].receive('offer', { sdp: 'offer-sdp' });
    await vi.waitFor(() => expect(sockets[0].sent.some((m) => m.type === 'answer')).toBe(true));
    expect(pcs[0].transceiver.direction).toBe('sendonly');
    expect(pcs[0].sender.track).toBeNull();
    expect(get(s.state)).toMatchObject({ status: 'joined', me: 'me', questions: 2, sending: false });
  });

  it('attaches the microphone when given the floor and detaches it when muted or the floor ends', async () => {
    const events: LiveEvent[] = [];
    const s = start(events);
    welcome(sockets[0]);
    sockets[0].receive('offer', { sdp: 'x' });
    await vi.waitFor(() => expect(sockets[0].sent.some((m) => m.type === 'answer')).toBe(true));
    sockets[0].receive('floor', { participantId: 'me', state: 'granted' });
    sockets[0].receive('participant', person({ id: 'me', role: 'speaker', hasFloor: true }));
    await vi.waitFor(() => expect(get(s.state).sending).toBe(true));
    expect(pcs[0].sender.track).toBe('mic-track');
    expect(get(s.state).floor).toBe('me');
    expect(events).toContainEqual({ type: 'floor', participantId: 'me', state: 'granted' });
    sockets[0].receive('participant', person({ id: 'me', role: 'speaker', hasFloor: true, muted: true }));
    await vi.waitFor(() => expect(get(s.state).sending).toBe(false));
    expect(pcs[0].sender.track).toBeNull();
  });

  it('follows the recording notice and asks for consent only while holding the floor during a recording', () => {
    const events: LiveEvent[] = [];
    const s = start(events);
    sockets[0].receive('welcome', { you: 'me', role: 'listener', resumeToken: 't', room: { participants: [person({ id: 'me' })], queue: [], question: 0, questions: 1, chat: [], recording: true, keyPoints: [] } });
    expect(get(s.state).recording).toBe(true);
    expect(needsConsent(get(s.state))).toBe(false); // not holding the floor
    sockets[0].receive('participant', person({ id: 'me', role: 'speaker', hasFloor: true }));
    expect(needsConsent(get(s.state))).toBe(true);
    s.recordingConsent(false);
    expect(sockets[0].sent[sockets[0].sent.length - 1]).toMatchObject({ type: 'recording_consent', payload: { consent: false } });
    sockets[0].receive('participant', person({ id: 'me', role: 'speaker', hasFloor: true, consent: 'declined' }));
    expect(needsConsent(get(s.state))).toBe(false);
    sockets[0].receive('recording', { on: false });
    expect(get(s.state).recording).toBe(false);
    expect(events).toContainEqual({ type: 'recording', on: false });
    // Recording starting during a turn not yet answered asks then.
    sockets[0].receive('participant', person({ id: 'me', role: 'speaker', hasFloor: true }));
    expect(needsConsent(get(s.state))).toBe(false);
    sockets[0].receive('recording', { on: true });
    expect(needsConsent(get(s.state))).toBe(true);
    // Hosts and moderators are never asked.
    sockets[0].receive('participant', person({ id: 'me', role: 'moderator', hasFloor: true }));
    expect(needsConsent(get(s.state))).toBe(false);
  });

  it('adds, replaces and removes key points as they are announced', () => {
    const s = start();
    welcome(sockets[0]);
    sockets[0].receive('key_point', { id: 'k1', question: 0, text: 'One', atMs: 10, author: 'Rita' });
    sockets[0].receive('key_point', { id: 'k2', question: 1, text: 'Two', atMs: 20, author: 'Rita' });
    sockets[0].receive('key_point', { id: 'k1', question: 0, text: 'One, edited', atMs: 10, author: 'Rita' });
    sockets[0].receive('key_point_removed', { id: 'k2' });
    expect(get(s.state).keyPoints.map((k) => k.text)).toEqual(['One, edited']);
    s.mergeKeyPoints([{ id: 'k0', question: 0, text: 'Earlier', atMs: 5, author: 'Rita' }, { id: 'k1', question: 0, text: 'stale', atMs: 10, author: 'Rita' }]);
    expect(get(s.state).keyPoints.map((k) => k.text)).toEqual(['Earlier', 'One, edited']);
  });

  it('tells why the session ended', () => {
    expect(endedKind('removed by a moderator')).toBe('removed');
    expect(endedKind('ended by the host')).toBe('host');
    expect(endedKind('the session is over')).toBe('over');
  });

  it('keeps the queue, chat and participants as the server sends them', () => {
    const s = start();
    welcome(sockets[0]);
    sockets[0].receive('queue', { queue: [{ participantId: 'x', question: 0 }, { participantId: 'me', question: 0 }] });
    sockets[0].receive('chat', { from: 'h', name: 'Host', text: 'Hola', at: 1 });
    sockets[0].receive('participant_left', { participantId: 'h' });
    const st = get(s.state);
    expect(queuePlace(st.queue, 'me')).toBe(2);
    expect(st.chat.map((c) => c.text)).toEqual(['Hola']);
    expect(st.participants.map((p) => p.id)).toEqual(['me']);
  });

  it('rejoins with the resume token after a drop, and gives up after 30 seconds', async () => {
    const events: LiveEvent[] = [];
    const s = start(events);
    welcome(sockets[0]);
    sockets[0].close();
    expect(get(s.state).status).toBe('reconnecting');
    vi.advanceTimersByTime(1100);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(sockets[1].sent[0]).toMatchObject({ type: 'join', payload: { resumeToken: 'tok' } });
    welcome(sockets[1]);
    expect(get(s.state).status).toBe('joined');
    expect(events).toContainEqual({ type: 'reconnected' });

    sockets[1].close();
    for (let i = 2; i < 40 && get(s.state).status === 'reconnecting'; i++) {
      vi.advanceTimersByTime(5000);
      sockets[sockets.length - 1].close(); // the server is unreachable
    }
    expect(get(s.state).status).toBe('lost');
  });

  it('keeps its place in the browser’s storage, so a reload within 30 seconds rejoins as the same person', () => {
    const store = new Map<string, string>();
    vi.stubGlobal('localStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) });
    const first = start();
    welcome(sockets[0]);
    expect(keptPlace('day 1')).toBe('tok');
    expect(keptPlace('another day')).toBe('');
    vi.advanceTimersByTime(20_000); // the page keeps noting that it holds the place
    expect(keptPlace('day 1')).toBe('tok');
    void first; // the page is reloaded: no leave is sent, the old session is simply gone

    const events: LiveEvent[] = [];
    const again = new LiveSession({ dayId: 'day 1', audioOnly: false, mic, iceServers: [], onevent: (e) => events.push(e),
      socket: (url) => { const ws = new FakeSocket(url); sockets.push(ws); return ws as unknown as WebSocket; } });
    again.start();
    sockets[1].open();
    expect(sockets[1].sent[0]).toMatchObject({ type: 'join', payload: { resumeToken: 'tok' } });
    // Refused (another person's place, or too late): joins afresh and says so; the kept token is dropped.
    sockets[1].onmessage?.({ data: JSON.stringify({ v: 1, type: 'error', payload: { code: 'forbidden', message: 'x', refId: '1' } }) });
    expect(sockets[1].sent[1]).toMatchObject({ type: 'join' });
    expect(sockets[1].sent[1].payload?.resumeToken).toBeUndefined();
    expect(events).toContainEqual({ type: 'resumeRefused', code: 'forbidden' });
    expect(keptPlace('day 1')).toBe('');
    welcome(sockets[1], 'me2');
    expect(keptPlace('day 1')).toBe('tok');
    again.leave(); // leaving on purpose forgets the place
    expect(keptPlace('day 1')).toBe('');

    store.set('teixit.live.resume.day 1', JSON.stringify({ token: 'old', at: Date.now() - 31_000 }));
    expect(keptPlace('day 1')).toBe('');
    store.set('teixit.live.resume.day 1', 'not json');
    expect(keptPlace('day 1')).toBe('');
  });

  it('sends whether old hands stay when moving to another question', () => {
    const s = start();
    welcome(sockets[0]);
    s.setQuestion(1, false);
    s.setQuestion(0);
    expect(sockets[0].sent.slice(-2).map((m) => m.payload)).toEqual([{ index: 1, keepHands: false }, { index: 0, keepHands: true }]);
  });

  it('takes a microphone turned on after joining', async () => {
    const s = new LiveSession({ dayId: 'd', audioOnly: true, mic: null, iceServers: [],
      socket: (url) => { const ws = new FakeSocket(url); sockets.push(ws); return ws as unknown as WebSocket; } });
    s.start();
    sockets[0].open();
    welcome(sockets[0], 'me', { role: 'speaker', hasFloor: true });
    sockets[0].receive('offer', { sdp: 'x' });
    await vi.waitFor(() => expect(sockets[0].sent.some((m) => m.type === 'answer')).toBe(true));
    expect(get(s.state).sending).toBe(false);
    await s.setMic(mic);
    expect(pcs[0].sender.track).toBe('mic-track');
    expect(get(s.state).sending).toBe(true);
  });

  it('stops for good when the session ends', () => {
    const s = start();
    welcome(sockets[0]);
    sockets[0].receive('ended', { reason: 'removed' });
    expect(get(s.state)).toMatchObject({ status: 'ended', endedReason: 'removed' });
    sockets[0].close();
    expect(sockets).toHaveLength(1);
  });
});

describe('what the room says about people', () => {
  it('names one state per person, most important first', () => {
    expect(participantState(person({ connected: false, hasFloor: true }))).toBe('away');
    expect(participantState(person({ hasFloor: true }))).toBe('hasFloor');
    expect(participantState(person({ hasFloor: true, speaking: true }))).toBe('speaking');
    expect(participantState(person({ role: 'host', speaking: true }))).toBe('speaking');
    expect(participantState(person({ hasFloor: true, muted: true }))).toBe('muted');
    expect(participantState(person({ handRaised: true }))).toBe('handRaised');
    expect(participantState(person({ role: 'moderator' }))).toBe('micOn');
    expect(participantState(person({}))).toBe('listening');
    expect(participantState(person({ hasFloor: true, mic: false }))).toBe('noSound');
    expect(participantState(person({ role: 'host', mic: false }))).toBe('noSound');
    expect(participantState(person({ role: 'host', mic: false, muted: true }))).toBe('muted');
    expect(participantState(person({ mic: false }))).toBe('listening');
  });
  it('says one thing about my own sound, from the server’s view', () => {
    const st = (me: Partial<LiveParticipant>, sending: boolean) => ({ me: 'me', participants: [person({ id: 'me', ...me })], sending }) as LiveState;
    expect(hearing(st({ role: 'host', mic: true }, true), true)).toBe('on');
    expect(hearing(st({ role: 'host', mic: false }, true), true)).toBe('starting');
    expect(hearing(st({ role: 'host' }, false), false)).toBe('noMic');
    expect(hearing(st({ role: 'host', muted: true }, false), true)).toBe('off');
    expect(hearing(st({ hasFloor: true, muted: true, mic: true }, false), true)).toBe('mutedByModerator');
    expect(hearing(st({}, false), true)).toBe('off');
  });
  it('says who is heard: host and moderators unless muted, others only with the floor', () => {
    expect(canBeHeard(person({ role: 'host' }))).toBe(true);
    expect(canBeHeard(person({ role: 'host', muted: true }))).toBe(false);
    expect(canBeHeard(person({ role: 'listener' }))).toBe(false);
    expect(canBeHeard(person({ role: 'speaker', hasFloor: true }))).toBe(true);
    expect(canBeHeard(undefined)).toBe(false);
  });
  it('offers the camera only where the day allows it, not in sound-only mode, and only to whoever may speak', () => {
    expect(mayUseCamera(person({ role: 'host' }), true, false)).toBe(true);
    expect(mayUseCamera(person({ role: 'moderator' }), true, false)).toBe(true);
    expect(mayUseCamera(person({ role: 'speaker', hasFloor: true }), true, false)).toBe(true);
    expect(mayUseCamera(person({ role: 'listener' }), true, false)).toBe(false);
    expect(mayUseCamera(person({ role: 'host' }), false, false)).toBe(false);
    expect(mayUseCamera(person({ role: 'host' }), true, true)).toBe(false);
    expect(mayUseCamera(undefined, true, false)).toBe(false);
  });
});
