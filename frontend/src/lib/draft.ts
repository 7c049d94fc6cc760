// The contribute form's draft, kept in the browser's localStorage until the server accepts it, so that a
// reload, a closed tab or a dropped connection loses nothing. One draft per diagnosis. The voice note and
// photo are not kept (they may be large); the form says so.
import type { Point } from './diagnosis';

export interface Draft {
  kind: string;
  theme: string;
  text: string;
  nickname: string;
  point: Point | null;
  facilitator: boolean;
  note: string;
}

export const emptyDraft = (): Draft => ({ kind: '', theme: '', text: '', nickname: '', point: null, facilitator: false, note: '' });

const key = (diagnosisId: string) => `teixit.draft.contribution.${diagnosisId}`;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (private mode on some phones)
  }
}

/** The saved draft for a diagnosis, or an empty one. Damaged data is ignored. */
export function loadDraft(diagnosisId: string, store = storage()): Draft {
  const raw = store?.getItem(key(diagnosisId));
  if (!raw) return emptyDraft();
  try {
    const d = JSON.parse(raw) as Partial<Draft>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const p = d.point;
    const point = p && typeof p.lat === 'number' && typeof p.lon === 'number' ? { lat: p.lat, lon: p.lon } : null;
    return { kind: str(d.kind), theme: str(d.theme), text: str(d.text), nickname: str(d.nickname), point, facilitator: d.facilitator === true, note: str(d.note) };
  } catch {
    return emptyDraft();
  }
}

/** Keeps the draft; an empty draft removes the key. Returns false when the browser refuses to store it. */
export function saveDraft(diagnosisId: string, d: Draft, store = storage()): boolean {
  if (!store) return false;
  try {
    if (!d.text && !d.kind && !d.theme && !d.point && !d.nickname && !d.note) store.removeItem(key(diagnosisId));
    else store.setItem(key(diagnosisId), JSON.stringify(d));
    return true;
  } catch {
    return false;
  }
}

/** Forgets the draft once the server has accepted the contribution. */
export function clearDraft(diagnosisId: string, store = storage()): void {
  try {
    store?.removeItem(key(diagnosisId));
  } catch {
    // nothing to do
  }
}
