// The live open-microphone session of an exchange day, in the browser: the signalling WebSocket
// (media/PROTOCOL.md) and one RTCPeerConnection. The server makes every offer and this side answers. The
// microphone is attached to the sender only while the person may be heard (host and moderators always,
// anybody else while holding the floor) and never while muted, so what the page says about being heard is
// what really happens, and "you are heard" also waits for the server to say it receives the sound (the
// participant's `mic`). When the socket drops it rejoins with the resume token for up to 30 seconds; the token
// is also kept in the browser's storage, so a reload or a reopened page within that time is the same person.
import { writable, get, type Readable } from 'svelte/store';

export type LiveRole = 'host' | 'moderator' | 'rapporteur' | 'speaker' | 'listener';

export interface LiveParticipant {
  id: string;
  displayName: string;
  role: LiveRole;
  handRaised: boolean;
  hasFloor: boolean;
  muted: boolean;
  speaking: boolean;
  connected: boolean;
  /** The answer to "may your turn be recorded?" for the current or last turn; absent when not asked since the floor was last given. */
  consent?: 'agreed' | 'declined';
  /** The server receives this person's sound (protocol revision 3); absent from older servers. */
  mic?: boolean;
}

/** A key point the note-taker wrote for a guide question (0-based); atMs counts from the session's start. */
export interface KeyPoint {
  id: string;
  question: number;
  text: string;
  atMs: number;
  /** The note-taker's display name: the room shows no account ids (the stored key point is recording.ts's). */
  author: string;
}

export interface QueueEntry {
  participantId: string;
  question: number;
}

export interface ChatLine {
  from: string;
  name: string;
  text: string;
  at: number;
}

export type LiveStatus = 'connecting' | 'joined' | 'reconnecting' | 'lost' | 'ended';

export interface LiveState {
  status: LiveStatus;
  me: string;
  role: LiveRole;
  participants: LiveParticipant[];
  queue: QueueEntry[];
  floor: string;
  question: number;
  questions: number;
  chat: ChatLine[];
  /** The host is recording the session (everyone is told in words). */
  recording: boolean;
  keyPoints: KeyPoint[];
  endedReason: string;
  /** True when the microphone is attached to the connection: others can hear this person. */
  sending: boolean;
  /** The person turned their camera on (only where the day allows cameras, and while they may speak). */
  camera: boolean;
  /** True when the camera is attached to the connection: others can see this person. */
  showing: boolean;
}

/** Things worth saying out loud; the room turns them into words in the reader's language. */
export type LiveEvent =
  | { type: 'floor'; participantId: string; state: 'granted' | 'revoked' }
  | { type: 'chat'; line: ChatLine }
  | { type: 'question'; index: number }
  | { type: 'error'; code: string; message: string }
  | { type: 'reconnected' }
  /** A kept place could not be given back (too late, an earlier session, or another person's): joined afresh. */
  | { type: 'resumeRefused'; code: string }
  | { type: 'recording'; on: boolean }
  | { type: 'keyPoint'; keyPoint: KeyPoint }
  | { type: 'ended'; reason: string };

export interface LiveOptions {
  /** The room's id: an exchange day's, or an evaluation group's when roomPath says so. */
  dayId: string;
  /** The API collection the room hangs from (default '/exchange-days'; '/evaluation-groups' for a group's room). */
  roomPath?: string;
  audioOnly: boolean;
  /** The microphone chosen in the lobby, or null to only listen. */
  mic: MediaStream | null;
  iceServers: RTCIceServer[];
  onevent?: (e: LiveEvent) => void;
  /** Where remote streams go: the floor ("floor") and each host or moderator (their participant id). */
  onstream?: (id: string, stream: MediaStream | null) => void;
  /** For browser tests: put the peer connection on window.__teixitLivePC. */
  expose?: boolean;
  /** Opens the camera; tests may replace it (default: getUserMedia, small and at most 15 frames a second). */
  openCamera?: () => Promise<MediaStream>;
  /** Builds the socket; tests may replace it. */
  socket?: (url: string) => WebSocket;
}

const RESUME_WINDOW_MS = 30_000;
const RESUME_KEY = 'teixit.live.resume.';

interface KeptPlace {
  token: string;
  /** When the page last held the place (ms). */
  at: number;
}

/** The resume token this browser kept for the day, if the page held it less than 30 seconds ago. */
export function keptPlace(dayId: string, now = Date.now()): string {
  try {
    const kept = JSON.parse(localStorage.getItem(RESUME_KEY + dayId) ?? 'null') as KeptPlace | null;
    if (kept && typeof kept.token === 'string' && now - kept.at < RESUME_WINDOW_MS) return kept.token;
  } catch {
    // no storage (private mode) or a damaged entry: no kept place
  }
  return '';
}

function keepPlace(dayId: string, token: string): void {
  try {
    if (token) localStorage.setItem(RESUME_KEY + dayId, JSON.stringify({ token, at: Date.now() } satisfies KeptPlace));
    else localStorage.removeItem(RESUME_KEY + dayId);
  } catch {
    // no storage: a reload then joins afresh
  }
}

/**
 * What the person's own sound is doing, one answer for every line of the page: heard by everyone; attached but
 * not yet received by the server; muted by a moderator; no microphone; or not heard (listening).
 */
export type Hearing = 'on' | 'starting' | 'mutedByModerator' | 'noMic' | 'off';

export function hearing(s: LiveState, hasMic: boolean): Hearing {
  const me = s.participants.find((p) => p.id === s.me);
  if (me?.muted && !MANAGING_ROLES.includes(me.role)) return 'mutedByModerator'; // hosts and moderators mute themselves: 'off'
  if (!hasMic) return 'noMic';
  if (!s.sending) return 'off';
  return me?.mic === false ? 'starting' : 'on';
}
const MAX_CHAT = 200;

export const MANAGING_ROLES: LiveRole[] = ['host', 'moderator'];

function emptyState(): LiveState {
  return { status: 'connecting', me: '', role: 'listener', participants: [], queue: [], floor: '', question: 0, questions: 0, chat: [], recording: false, keyPoints: [], endedReason: '', sending: false, camera: false, showing: false };
}

/** Whether the person's sound goes out: host and moderators unless muted, anybody else while holding the floor. */
export function canBeHeard(p: LiveParticipant | undefined): boolean {
  if (!p || p.muted) return false;
  return MANAGING_ROLES.includes(p.role) || p.hasFloor;
}

/**
 * Whether the person may turn a camera on: the day allows cameras, they did not choose sound only, and they
 * may speak (host and moderators, anybody else while holding the floor).
 */
export function mayUseCamera(p: LiveParticipant | undefined, dayVideo: boolean, audioOnly: boolean): boolean {
  return !!p && dayVideo && !audioOnly && (MANAGING_ROLES.includes(p.role) || p.hasFloor);
}

/**
 * Whether to ask this person "may your turn be recorded?": they hold the floor while the session is being
 * recorded, are not a host or moderator (always recorded), and have not answered since the floor was given.
 */
export function needsConsent(s: LiveState): boolean {
  const me = s.participants.find((p) => p.id === s.me);
  return !!me && s.recording && me.hasFloor && !MANAGING_ROLES.includes(me.role) && !me.consent;
}

/** Why the session ended for this person, from the server's reason. */
export function endedKind(reason: string): 'removed' | 'host' | 'over' {
  if (reason.startsWith('removed')) return 'removed';
  if (reason === 'ended by the host') return 'host';
  return 'over';
}

/** 1-based place in the queue, or 0 when not waiting. */
export function queuePlace(queue: QueueEntry[], id: string): number {
  return queue.findIndex((q) => q.participantId === id) + 1;
}

interface Envelope {
  v: number;
  type: string;
  id?: string;
  payload?: Record<string, unknown> | null;
}

export class LiveSession {
  private readonly store = writable<LiveState>(emptyState());
  readonly state: Readable<LiveState> = { subscribe: this.store.subscribe };
  private ws: WebSocket | null = null;
  private pc: RTCPeerConnection | null = null;
  private resumeToken = '';
  private stopped = false;
  private dropAt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  private joinId = '';
  private resuming = false;
  private cam: MediaStream | null = null;
  private keeper: ReturnType<typeof setInterval> | undefined;
  private readonly onPageHide = () => this.keep();

  constructor(private readonly opts: LiveOptions) {}

  /** Joins; with a place this browser kept for the day (a reload within 30 s) as the same participant. */
  start(): void {
    this.stopped = false;
    const kept = this.resumeToken || keptPlace(this.opts.dayId);
    if (kept) this.resumeToken = kept;
    this.open(!!kept);
  }

  /** Notes in the browser's storage that this page still holds its place (on every welcome, every few seconds, on leaving the page). */
  private keep(): void {
    if (!this.stopped && this.resumeToken) keepPlace(this.opts.dayId, this.resumeToken);
  }

  private forget(): void {
    clearInterval(this.keeper);
    this.keeper = undefined;
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.onPageHide);
    keepPlace(this.opts.dayId, '');
  }

  private url(): string {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/api/v1${this.opts.roomPath ?? '/exchange-days'}/${encodeURIComponent(this.opts.dayId)}/live`;
  }

  private open(resume: boolean): void {
    const ws = this.opts.socket ? this.opts.socket(this.url()) : new WebSocket(this.url());
    this.ws = ws;
    this.resuming = resume && !!this.resumeToken;
    ws.onopen = () => {
      this.joinId = this.send('join', { audioOnly: this.opts.audioOnly, ...(this.resuming ? { resumeToken: this.resumeToken } : {}) });
    };
    ws.onmessage = (e) => {
      let msg: Envelope;
      try {
        msg = JSON.parse(String(e.data));
      } catch {
        return;
      }
      this.handle(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      this.dropped();
    };
  }

  private dropped(): void {
    this.closePeer();
    const now = Date.now();
    const st = get(this.store);
    if (st.status !== 'reconnecting') this.dropAt = now;
    if (!this.resumeToken || now - this.dropAt > RESUME_WINDOW_MS) {
      this.store.update((s) => ({ ...s, status: 'lost', sending: false }));
      return;
    }
    this.store.update((s) => ({ ...s, status: 'reconnecting', sending: false }));
    const attempt = Math.min(5000, 1000 + (now - this.dropAt) / 4);
    this.retry = setTimeout(() => {
      if (!this.stopped) this.open(true);
    }, attempt);
  }

  /** Tries again after the connection was lost for good (a fresh join, without the old place). */
  retryNow(): void {
    clearTimeout(this.retry);
    this.resumeToken = '';
    this.forget();
    this.store.set(emptyState());
    this.start();
  }

  private send(type: string, payload?: unknown): string {
    const id = String(++this.seq);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ v: 1, type, id, ...(payload === undefined ? {} : { payload }) }));
    return id;
  }

  private me(s = get(this.store)): LiveParticipant | undefined {
    return s.participants.find((p) => p.id === s.me);
  }

  private handle(msg: Envelope): void {
    const p = (msg.payload ?? {}) as Record<string, unknown>;
    switch (msg.type) {
      case 'welcome': {
        const room = p.room as {
          participants?: LiveParticipant[]; queue?: QueueEntry[]; floor?: string; question?: number; questions?: number; chat?: ChatLine[];
          recording?: boolean; keyPoints?: KeyPoint[];
        };
        const wasResuming = this.resuming;
        this.resuming = false;
        this.resumeToken = String(p.resumeToken ?? '');
        this.keep();
        if (this.keeper === undefined) {
          this.keeper = setInterval(() => this.keep(), 5000);
          if (typeof window !== 'undefined') window.addEventListener('pagehide', this.onPageHide);
        }
        this.newPeer();
        this.store.set({
          status: 'joined', me: String(p.you), role: p.role as LiveRole, participants: room.participants ?? [], queue: room.queue ?? [],
          floor: room.floor ?? '', question: room.question ?? 0, questions: room.questions ?? 0, chat: (room.chat ?? []).slice(-MAX_CHAT),
          recording: !!room.recording, keyPoints: room.keyPoints ?? [], endedReason: '', sending: false, camera: !!this.cam, showing: false,
        });
        if (wasResuming) this.opts.onevent?.({ type: 'reconnected' });
        break;
      }
      case 'participant': {
        const part = p as unknown as LiveParticipant;
        this.store.update((s) => {
          const i = s.participants.findIndex((x) => x.id === part.id);
          const participants = i < 0 ? [...s.participants, part] : s.participants.map((x, j) => (j === i ? part : x));
          return { ...s, participants, role: part.id === s.me ? part.role : s.role };
        });
        this.updateSending();
        break;
      }
      case 'participant_left':
        this.store.update((s) => ({ ...s, participants: s.participants.filter((x) => x.id !== p.participantId) }));
        break;
      case 'queue':
        this.store.update((s) => ({ ...s, queue: (p.queue as QueueEntry[]) ?? [] }));
        break;
      case 'floor': {
        const id = String(p.participantId);
        const granted = p.state === 'granted';
        this.store.update((s) => ({ ...s, floor: granted ? id : s.floor === id ? '' : s.floor }));
        this.opts.onevent?.({ type: 'floor', participantId: id, state: granted ? 'granted' : 'revoked' });
        this.updateSending();
        break;
      }
      case 'question':
        this.store.update((s) => ({ ...s, question: Number(p.index) }));
        this.opts.onevent?.({ type: 'question', index: Number(p.index) });
        break;
      case 'chat': {
        const line = p as unknown as ChatLine;
        this.store.update((s) => ({ ...s, chat: [...s.chat, line].slice(-MAX_CHAT) }));
        this.opts.onevent?.({ type: 'chat', line });
        break;
      }
      case 'recording': {
        const on = !!p.on;
        this.store.update((s) => ({ ...s, recording: on }));
        this.opts.onevent?.({ type: 'recording', on });
        break;
      }
      case 'key_point': {
        const kp = p as unknown as KeyPoint;
        this.store.update((s) => {
          const i = s.keyPoints.findIndex((k) => k.id === kp.id);
          return { ...s, keyPoints: i < 0 ? [...s.keyPoints, kp] : s.keyPoints.map((k, j) => (j === i ? kp : k)) };
        });
        this.opts.onevent?.({ type: 'keyPoint', keyPoint: kp });
        break;
      }
      case 'key_point_removed':
        this.store.update((s) => ({ ...s, keyPoints: s.keyPoints.filter((k) => k.id !== p.id) }));
        break;
      case 'offer':
        this.enqueue(() => this.answer(String(p.sdp)));
        break;
      case 'candidate':
        this.enqueue(async () => {
          try {
            await this.pc?.addIceCandidate(p as RTCIceCandidateInit);
          } catch {
            // a candidate for an older description: harmless
          }
        });
        break;
      case 'error': {
        const code = String(p.code ?? '');
        if (this.resuming && p.refId === this.joinId) {
          // The old place is gone (grace over, an earlier session, or not this person's): join afresh.
          this.resuming = false;
          this.resumeToken = '';
          keepPlace(this.opts.dayId, '');
          this.joinId = this.send('join', { audioOnly: this.opts.audioOnly });
          this.opts.onevent?.({ type: 'resumeRefused', code });
          break;
        }
        this.opts.onevent?.({ type: 'error', code, message: String(p.message ?? '') });
        break;
      }
      case 'ended':
        this.forget();
        this.stopped = true;
        this.closePeer();
        this.stopCamera();
        this.store.update((s) => ({ ...s, status: 'ended', endedReason: String(p.reason ?? ''), sending: false, camera: false, showing: false }));
        this.opts.onevent?.({ type: 'ended', reason: String(p.reason ?? '') });
        break;
    }
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch(() => {});
  }

  private newPeer(): void {
    this.closePeer();
    const pc = new RTCPeerConnection({ iceServers: this.opts.iceServers });
    this.pc = pc;
    pc.onicecandidate = (e) => {
      if (e.candidate) this.send('candidate', e.candidate.toJSON());
    };
    // A network change can break the media path while the socket survives: ask the server for fresh ICE.
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed' && this.pc === pc) this.send('ice_restart');
    };
    pc.ontrack = (e) => {
      const stream = e.streams[0];
      if (!stream) return;
      if (this.opts.expose && stream.id === 'floor' && e.track.kind === 'audio') (window as unknown as Record<string, unknown>).__teixitLiveFloorTrack = e.track.id;
      this.opts.onstream?.(stream.id, stream);
    };
    if (this.opts.expose) Object.assign(window, { __teixitLivePC: pc, __teixitLiveSession: this });
  }

  private closePeer(): void {
    if (!this.pc) return;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.close();
    this.pc = null;
  }

  /** The first audio m-line is where the server listens to us: answer it sendonly, the track set separately. */
  private sendTransceiver(kind: 'audio' | 'video' = 'audio'): RTCRtpTransceiver | undefined {
    return this.pc?.getTransceivers().find((t) => t.receiver.track.kind === kind);
  }

  private async answer(sdp: string): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    let firstVideo = true;
    let firstAudio = true;
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track.kind;
      if (kind === 'audio' && firstAudio) {
        firstAudio = false;
        t.direction = 'sendonly';
      } else if (kind === 'video' && firstVideo) {
        // Offered only when the day allows cameras and the person did not choose sound only; the camera is
        // attached separately, like the microphone.
        firstVideo = false;
        t.direction = 'sendonly';
      }
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.send('answer', { sdp: pc.localDescription?.sdp ?? answer.sdp });
    await this.updateSending();
  }

  /** Gives the session a microphone opened after joining (the lobby's check had not finished, or was refused). */
  async setMic(mic: MediaStream | null): Promise<void> {
    this.opts.mic = mic;
    await this.updateSending();
  }

  private async updateSending(): Promise<void> {
    const on = canBeHeard(this.me()) && !!this.opts.mic;
    const sender = this.sendTransceiver()?.sender;
    const track = on ? (this.opts.mic?.getAudioTracks()[0] ?? null) : null;
    if (sender && sender.track !== track) {
      try {
        await sender.replaceTrack(track);
      } catch {
        // the connection closed meanwhile
      }
    }
    const sending = !!sender && !!track;
    if (get(this.store).sending !== sending) this.store.update((s) => ({ ...s, sending }));
    await this.updateCamera();
  }

  /** Attaches the camera while the person may be heard; lets go of it once they may no longer speak. */
  private async updateCamera(): Promise<void> {
    const me = this.me();
    if (this.cam && me && !MANAGING_ROLES.includes(me.role) && !me.hasFloor) this.stopCamera();
    const sender = this.sendTransceiver('video')?.sender;
    const track = canBeHeard(me) ? (this.cam?.getVideoTracks()[0] ?? null) : null;
    if (sender && sender.track !== track) {
      try {
        await sender.replaceTrack(track);
      } catch {
        // the connection closed meanwhile
      }
    }
    const showing = !!sender && !!track;
    const camera = !!this.cam;
    const st = get(this.store);
    if (st.showing !== showing || st.camera !== camera) this.store.update((s) => ({ ...s, showing, camera }));
  }

  /** Turns the camera on or off (on only where mayUseCamera says so); throws when the camera cannot be opened. */
  async setCamera(on: boolean): Promise<void> {
    if (!on) {
      this.stopCamera();
    } else if (!this.cam) {
      const open = this.opts.openCamera ?? (() => navigator.mediaDevices.getUserMedia({ audio: false, video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { max: 15 } } }));
      const cam = await open();
      if (this.stopped) {
        cam.getTracks().forEach((t) => t.stop());
        return;
      }
      this.cam = cam;
    }
    await this.updateCamera();
  }

  private stopCamera(): void {
    this.cam?.getTracks().forEach((t) => t.stop());
    this.cam = null;
  }

  raiseHand(): void {
    this.send('raise_hand');
  }
  lowerHand(): void {
    this.send('lower_hand');
  }
  grantFloor(participantId: string): void {
    this.send('grant_floor', { participantId });
  }
  revokeFloor(participantId: string): void {
    this.send('revoke_floor', { participantId });
  }
  mute(participantId: string): void {
    this.send('mute', { participantId });
  }
  unmute(participantId: string): void {
    this.send('unmute', { participantId });
  }
  remove(participantId: string): void {
    this.send('remove', { participantId });
  }
  /** Moves to guide question index; keepHands false lowers the hands raised for other questions. */
  setQuestion(index: number, keepHands = true): void {
    this.send('set_question', { index, keepHands });
  }
  chat(text: string): void {
    this.send('chat', { text });
  }
  /** Answers "may your turn be recorded?" (no still keeps the floor). */
  recordingConsent(consent: boolean): void {
    this.send('recording_consent', { consent });
  }
  /**
   * Adds key points noted before this room opened (an earlier session of the day, from the REST list); those
   * the room already announced win, and the list stays in session-time order.
   */
  mergeKeyPoints(earlier: KeyPoint[]): void {
    this.store.update((s) => {
      const known = new Set(s.keyPoints.map((k) => k.id));
      const added = earlier.filter((k) => !known.has(k.id));
      if (added.length === 0) return s;
      return { ...s, keyPoints: [...s.keyPoints, ...added].sort((a, b) => a.atMs - b.atMs) };
    });
  }
  /** Ends the session for everyone (host only). */
  end(): void {
    this.send('end');
  }

  /** Leaves for good and lets go of the connection (the microphone belongs to the lobby). */
  leave(): void {
    this.forget();
    this.stopped = true;
    clearTimeout(this.retry);
    this.send('leave');
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.closePeer();
    this.stopCamera();
    if (this.opts.expose) delete (window as unknown as Record<string, unknown>).__teixitLivePC;
  }
}
