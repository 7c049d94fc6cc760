// How each kind of contribution is drawn on the map and in its legend: a shape and a colour, so that kinds
// differ for people who cannot tell the colours apart, and in print.
export interface Mark {
  shape: 'circle' | 'square' | 'triangle';
  color: string;
}

export const MARKS: Record<string, Mark> = {
  need: { shape: 'circle', color: '#b42318' },
  asset: { shape: 'square', color: '#1e7a3c' },
  proposal: { shape: 'triangle', color: '#1d4e89' },
};

const FALLBACK: Mark = { shape: 'circle', color: '#ffbf47' };

/** The kind's mark as an inline SVG (decorative: the label says the kind in words). */
export function markSvg(kind: string, size = 22): string {
  const m = MARKS[kind] ?? FALLBACK;
  const s = 'stroke="#1b1b1f" stroke-width="2"';
  const body =
    m.shape === 'circle'
      ? `<circle cx="12" cy="12" r="8" fill="${m.color}" ${s}/>`
      : m.shape === 'square'
        ? `<rect x="4" y="4" width="16" height="16" fill="${m.color}" ${s}/>`
        : `<polygon points="12,3 21,20 3,20" fill="${m.color}" ${s}/>`;
  return `<svg class="map-mark" width="${size}" height="${size}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${body}</svg>`;
}
