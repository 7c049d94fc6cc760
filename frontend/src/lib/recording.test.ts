// The player's one timeline over the recorded turns, moments of the recording placed on it, private page
// links, and which key presses are the player's.
import { describe, expect, it } from 'vitest';
import { buildTimeline, chapterStart, clock, keyPointsByQuestion, linkToken, locate, positionAt, privatePageLink, shortcutFor, type RecordedTurn } from './recording';

const turn = (number: number, startMs: number, endMs: number, question = 0, speaker = 'Anna'): RecordedTurn => ({
  number, speaker, role: 'speaker', question, questionText: '', startMs, endMs, durationMs: endMs - startMs,
  mediaId: `rec:d:${number}`, url: `/api/v1/media/rec:d:${number}`, mine: false,
});

// Turns 2 and 1 come out of order; a 5 s gap between turn 1 and turn 3; turn 4 overlaps turn 3.
const tl = buildTimeline([turn(3, 15_000, 20_000, 1, 'Biel'), turn(1, 0, 10_000), turn(4, 17_000, 19_000, 1, 'Carme')]);

describe('the session timeline', () => {
  it('plays turns in time order, one after another', () => {
    expect(tl.turns.map((t) => t.number)).toEqual([1, 3, 4]);
    expect(tl.starts).toEqual([0, 10_000, 15_000]);
    expect(tl.totalMs).toBe(17_000);
  });
  it('locates a position in a turn, at a boundary, and past the end', () => {
    expect(locate(tl, 0)).toEqual({ index: 0, offsetMs: 0 });
    expect(locate(tl, 9_999)).toEqual({ index: 0, offsetMs: 9_999 });
    expect(locate(tl, 10_000)).toEqual({ index: 1, offsetMs: 0 });
    expect(locate(tl, 16_000)).toEqual({ index: 2, offsetMs: 1_000 });
    expect(locate(tl, 99_000)).toEqual({ index: 2, offsetMs: 2_000 });
    expect(locate(tl, -5)).toEqual({ index: 0, offsetMs: 0 });
    expect(locate(buildTimeline([]), 10)).toEqual({ index: -1, offsetMs: 0 });
  });
  it('places moments of the recording: inside a turn, in a gap (next turn), after the end', () => {
    expect(positionAt(tl, 4_000)).toBe(4_000);
    expect(positionAt(tl, 12_000)).toBe(10_000); // nobody was recorded then: the next turn
    expect(positionAt(tl, 16_500)).toBe(11_500);
    expect(positionAt(tl, 18_000)).toBe(16_000); // overlapping turns: the one that started last (turn 4)
    expect(positionAt(tl, 60_000)).toBe(17_000);
  });
  it('starts a chapter at its first turn in playing order', () => {
    expect(chapterStart(tl, [4, 3])).toBe(10_000);
    expect(chapterStart(tl, [99])).toBe(0);
  });
  it('writes clock times', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65_400)).toBe('1:05');
    expect(clock(3_723_000)).toBe('1:02:03');
  });
});

describe('key points by question', () => {
  it('groups in agenda order and sorts each group by time', () => {
    const g = keyPointsByQuestion([{ question: 1, atMs: 5 }, { question: 0, atMs: 9 }, { question: 1, atMs: 2 }]);
    expect(g.map((x) => [x.question, x.points.map((p) => p.atMs)])).toEqual([[0, [9]], [1, [2, 5]]]);
  });
});

describe('private links', () => {
  it('turns the API link into the recording page with the token', () => {
    const api = '/api/v1/exchange-days/d1/recording?link=u1.1800000000.abc-_';
    expect(linkToken(api)).toBe('u1.1800000000.abc-_');
    expect(privatePageLink('https://teixit.example', 'd1', { url: api })).toBe('https://teixit.example/exchange-days/d1/recording?link=u1.1800000000.abc-_');
    expect(privatePageLink('https://teixit.example', 'd1', { url: api, pageUrl: '/exchange-days/d1/recording?link=T' })).toBe('https://teixit.example/exchange-days/d1/recording?link=T');
    expect(linkToken('/nothing')).toBe('');
  });
});

describe('keyboard shortcuts', () => {
  const el = (matches: string) => ({ closest: (sel: string) => (sel.split(', ').some((s) => s.startsWith(matches)) ? {} : null) });
  const body = { closest: () => null };
  it('maps keys on the page', () => {
    expect(shortcutFor({ key: ' ', target: body })).toBe('toggle');
    expect(shortcutFor({ key: 'ArrowLeft', target: body })).toBe('back');
    expect(shortcutFor({ key: 'ArrowRight', target: body })).toBe('forward');
    expect(shortcutFor({ key: 'n', target: body })).toBe('next');
    expect(shortcutFor({ key: 'P', target: body })).toBe('previous');
    expect(shortcutFor({ key: 'x', target: body })).toBeNull();
  });
  it('leaves fields, modified keys, open dialogs and Space on buttons alone', () => {
    expect(shortcutFor({ key: 'n', target: el('textarea') })).toBeNull();
    expect(shortcutFor({ key: 'ArrowLeft', target: el('input') })).toBeNull();
    expect(shortcutFor({ key: 'ArrowLeft', target: el('select') })).toBeNull();
    expect(shortcutFor({ key: ' ', target: el('button') })).toBeNull();
    expect(shortcutFor({ key: 'n', target: el('button') })).toBe('next');
    expect(shortcutFor({ key: 'n', ctrlKey: true, target: body })).toBeNull();
    expect(shortcutFor({ key: ' ', target: body }, true)).toBeNull();
  });
});
