// An exchange day's recording, key points and summary (server/recording): the API's shapes, the calls, and
// the player's one timeline over the recorded turns. The turns are played one after another as a single
// session: the timeline's "position" counts only recorded sound (turn 1's length, then turn 2's…), while the
// API's times (startMs, key points' atMs, a summary moment's ?t=) count from the recording's start, gaps
// between turns included. Imported by lazily loaded code only.
import type { ApiClient, Page } from './api';

export interface RecordedTurn {
  /** Segment number: unique in the recording; removal requests name these. */
  number: number;
  speaker: string;
  role: string;
  /** 0-based guide question current when the turn started. */
  question: number;
  questionText: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  mediaId: string;
  url: string;
  /** The caller spoke this turn (and may ask to remove it). */
  mine: boolean;
  /** The speaker's camera during the turn (days with cameras): offsetMs is where it starts relative to the audio. */
  video?: { number: number; mediaId: string; url: string; offsetMs: number };
}

export interface QuestionChapter {
  question: number;
  text: string;
  startMs: number;
  turns: number[];
}

export interface SpeakerChapter {
  speaker: string;
  totalMs: number;
  turns: number[];
}

export interface Recording {
  dayId: string;
  title: string;
  visibility: 'members' | 'public' | 'none';
  started: string;
  durationMs: number;
  turns: RecordedTurn[];
  byQuestion: QuestionChapter[];
  bySpeaker: SpeakerChapter[];
  inProgress: number;
  downloadUrl: string;
  ownTurnsOnly: boolean;
  canManage: boolean;
}

export interface PrivateLink {
  /** The API's manifest through the link. */
  url: string;
  /** The app's recording page through the link: what a member shares (older servers: absent). */
  pageUrl?: string;
  downloadUrl: string;
  expiresAt: string;
}

export interface KeyPoint {
  id: string;
  question: number;
  text: string;
  atMs: number;
  /** The note-taker's account id; authorName is their display name (the live room's key point has only that). */
  author: string;
  authorName: string;
  createdAt: string;
}

export interface Moment {
  keyPointId: string;
  text: string;
  atMs: number;
  turn?: number;
  url?: string;
}

export interface SummarySection {
  question: number;
  questionText: string;
  markdown: string;
  /** Sanitised by the server (goldmark + bluemonday). */
  html: string;
  moments: Moment[];
}

export interface Summary {
  dayId: string;
  status: 'draft' | 'published';
  visibility: 'public' | 'members';
  sections: SummarySection[];
  updatedAt?: string;
  publishedAt?: string;
  canEdit: boolean;
  /** Hosts only: why the published summary needs them again (their edits wait for republishing, or lines from removed turns left it). */
  review?: 'edited' | 'removal';
}

/** A turn a removal request names, as it was when asked (it stays readable once the turn is removed). */
export interface RedactedTurn {
  number: number;
  speaker: string;
  question: number;
  startMs: number;
  durationMs: number;
}

export interface Redaction {
  id: string;
  userId: string;
  /** The requester's display name when they asked ('' for older requests or a deleted account). */
  userName?: string;
  turns: number[];
  turnDetails?: RedactedTurn[];
  status: 'pending' | 'confirmed';
  createdAt: string;
  confirmedAt?: string;
}

/** Someone who may be named rapporteur: a host member (with their role) or a person registered for the day. */
export interface RapporteurCandidate {
  userId: string;
  name: string;
  role: 'admin' | 'professional' | 'member' | 'registered';
}

/** Who takes notes (key points) during the session; candidates only for those who choose. */
export interface Rapporteur {
  /** '' when nobody is named (the host and moderators note key points). */
  userId: string;
  name: string;
  canChoose: boolean;
  candidates?: RapporteurCandidate[];
}

const dayPath = (id: string) => `/exchange-days/${encodeURIComponent(id)}`;

/** The calls of server/recording, named as its routes. `link` is a private link's token ('' for none). */
export const recordingApi = {
  get: (api: ApiClient, id: string, link = '') =>
    api.get<Recording>(`${dayPath(id)}/recording${link ? `?link=${encodeURIComponent(link)}` : ''}`),
  createLink: (api: ApiClient, id: string) => api.post<PrivateLink>(`${dayPath(id)}/recording/links`),
  revokeLinks: (api: ApiClient, id: string) => api.del(`${dayPath(id)}/recording/links`),
  rapporteur: (api: ApiClient, id: string) => api.get<Rapporteur>(`${dayPath(id)}/rapporteur`),
  setRapporteur: (api: ApiClient, id: string, userId: string) => api.put<void>(`${dayPath(id)}/rapporteur`, { userId }),
  keyPoints: (api: ApiClient, id: string) => api.get<Page<KeyPoint>>(`${dayPath(id)}/key-points`),
  summary: (api: ApiClient, id: string) => api.get<Summary>(`${dayPath(id)}/summary`),
  saveSummary: (api: ApiClient, id: string, sections: { question: number; markdown: string }[]) =>
    api.put<Summary>(`${dayPath(id)}/summary`, { sections }),
  publishSummary: (api: ApiClient, id: string) => api.post<Summary>(`${dayPath(id)}/summary/publish`),
  redactions: (api: ApiClient, id: string) => api.get<Page<Redaction>>(`${dayPath(id)}/recording/redactions`),
  requestRedaction: (api: ApiClient, id: string, turns: number[]) =>
    api.post<Redaction>(`${dayPath(id)}/recording/redactions`, { turns }),
  confirmRedaction: (api: ApiClient, id: string, rid: string) =>
    api.post<Redaction>(`${dayPath(id)}/recording/redactions/${encodeURIComponent(rid)}/confirm`),
};

/** The token of a private link as the API hands it out (".../recording?link=TOKEN"), or ''. */
export function linkToken(url: string): string {
  try {
    return new URL(url, 'http://x').searchParams.get('link') ?? '';
  } catch {
    return '';
  }
}

/**
 * The address a member shares: the server's pageUrl (the recording page with the token), else that page made
 * from the API's URL (the JSON manifest, not something to open in a browser).
 */
export function privatePageLink(origin: string, dayId: string, link: Pick<PrivateLink, 'url' | 'pageUrl'>): string {
  if (link.pageUrl?.startsWith('/')) return origin + link.pageUrl;
  return `${origin}/exchange-days/${encodeURIComponent(dayId)}/recording?link=${encodeURIComponent(linkToken(link.url))}`;
}

/** The turns in playing order, with where each begins on the session timeline. */
export interface Timeline {
  turns: RecordedTurn[];
  /** Position (ms) where each turn begins: the sum of the lengths of the turns before it. */
  starts: number[];
  totalMs: number;
}

export function buildTimeline(turns: RecordedTurn[]): Timeline {
  const sorted = [...turns].sort((a, b) => a.startMs - b.startMs || a.number - b.number);
  const starts: number[] = [];
  let at = 0;
  for (const t of sorted) {
    starts.push(at);
    at += Math.max(0, t.durationMs);
  }
  return { turns: sorted, starts, totalMs: at };
}

/** Which turn a position falls in and how far into it; a position past the end is the last turn's end. */
export function locate(tl: Timeline, positionMs: number): { index: number; offsetMs: number } {
  if (tl.turns.length === 0) return { index: -1, offsetMs: 0 };
  const pos = Math.min(Math.max(0, positionMs), tl.totalMs);
  for (let i = tl.turns.length - 1; i >= 0; i--) {
    if (pos >= tl.starts[i] && (pos < tl.starts[i] + tl.turns[i].durationMs || i === tl.turns.length - 1)) {
      return { index: i, offsetMs: Math.min(pos - tl.starts[i], tl.turns[i].durationMs) };
    }
    if (pos >= tl.starts[i]) return { index: i + 1, offsetMs: 0 };
  }
  return { index: 0, offsetMs: 0 };
}

/**
 * A time of the recording (ms from its start: key points, summary moments, ?t=) as a position on the
 * timeline: inside a turn, that moment of it; between turns (nobody recorded then), the next turn's start;
 * after the last turn, its end. Where turns overlap (the host's microphone is recorded all along, a speaker's
 * turn during it), the one that started last wins: the person who just took the floor. The server links a
 * summary moment to its turn by the same rule (server/recording turnAt), so a moment's `turn` is the turn
 * this finds; key points and ?t= carry no turn, hence the rule here.
 */
export function positionAt(tl: Timeline, recordingMs: number): number {
  let best = -1;
  for (let i = 0; i < tl.turns.length; i++) {
    const t = tl.turns[i];
    if (t.startMs <= recordingMs && recordingMs <= t.endMs && (best < 0 || t.startMs >= tl.turns[best].startMs)) best = i;
  }
  if (best >= 0) return tl.starts[best] + Math.min(recordingMs - tl.turns[best].startMs, tl.turns[best].durationMs);
  const next = tl.turns.findIndex((t) => t.startMs > recordingMs);
  return next < 0 ? tl.totalMs : tl.starts[next];
}

/** The position where a chapter (a list of turn numbers) begins: its first turn in playing order. */
export function chapterStart(tl: Timeline, turnNumbers: number[]): number {
  const i = tl.turns.findIndex((t) => turnNumbers.includes(t.number));
  return i < 0 ? 0 : tl.starts[i];
}

/** "0:05", "12:40", "1:02:03" for a duration or position in milliseconds. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Minutes and seconds as words' numbers, for texts like "{min} min {sec} s". */
export function minSec(ms: number): { min: number; sec: number } {
  const s = Math.max(0, Math.round(ms / 1000));
  return { min: Math.floor(s / 60), sec: s % 60 };
}

/** Speeds offered by the player. */
export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];

/** The key points grouped by guide question (agenda order), each group in session order. */
export function keyPointsByQuestion<K extends { question: number; atMs: number }>(points: K[]): { question: number; points: K[] }[] {
  const groups = new Map<number, K[]>();
  for (const k of [...points].sort((a, b) => a.atMs - b.atMs)) {
    if (!groups.has(k.question)) groups.set(k.question, []);
    groups.get(k.question)!.push(k);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([question, points]) => ({ question, points }));
}

/**
 * Whether a key press belongs to the player's shortcuts: not while typing in a field, choosing in a list, or
 * with a dialog open; Space is left to a focused button or link (it presses them), the arrows to a slider.
 */
export function shortcutFor(e: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; target: unknown }, dialogOpen = false):
  | 'toggle' | 'back' | 'forward' | 'next' | 'previous' | null {
  if (e.ctrlKey || e.metaKey || e.altKey || dialogOpen) return null;
  const el = e.target as { closest?: (s: string) => unknown } | null;
  const inside = (sel: string) => !!el?.closest?.(sel);
  if (inside('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return null;
  switch (e.key) {
    case ' ':
    case 'Spacebar':
      return inside('button, a, summary') ? null : 'toggle';
    case 'ArrowLeft':
      return 'back';
    case 'ArrowRight':
      return 'forward';
    case 'n':
    case 'N':
      return 'next';
    case 'p':
    case 'P':
      return 'previous';
    default:
      return null;
  }
}
