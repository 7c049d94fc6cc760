// A chosen point told in words a resident understands: where it lies in the territory (its centre, or which
// side: north, south-east…), or that it is outside it and on which side. Works from the territory's own
// boundary, with no map service.
import type { GeoJSONGeometry, Point } from './diagnosis';

export type Side = 'centre' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w' | 'nw';

export interface Where {
  inside: boolean;
  side: Side;
}

function rings(g: GeoJSONGeometry): number[][][] {
  return g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]);
}

/** Ray casting over the outer rings (holes ignored: a point in a hole counts as inside). */
export function inside(p: Point, g: GeoJSONGeometry): boolean {
  let hit = false;
  for (const ring of rings(g)) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if (yi > p.lat !== yj > p.lat && p.lon < ((xj - xi) * (p.lat - yi)) / (yj - yi) + xi) hit = !hit;
    }
  }
  return hit;
}

const SIDES: Side[] = ['e', 'ne', 'n', 'nw', 'w', 'sw', 's', 'se'];

/** Where p is relative to the territory: inside or not, and its side from the boundary's centre (the centre
 * when it is within a fifth of the territory's half-width of it). */
export function whereIn(p: Point, g: GeoJSONGeometry): Where {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const ring of rings(g)) {
    for (const [x, y] of ring) {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
  }
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  const k = Math.cos((cy * Math.PI) / 180); // a degree of longitude is shorter away from the equator
  const dx = (p.lon - cx) * k, dy = p.lat - cy;
  const half = Math.max(((maxX - minX) * k) / 2, (maxY - minY) / 2);
  const within = inside(p, g);
  if (within && Math.hypot(dx, dy) < half / 5) return { inside: true, side: 'centre' };
  const angle = (Math.atan2(dy, dx) * 180) / Math.PI; // 0 = east, counter-clockwise
  return { inside: within, side: SIDES[Math.round(((angle + 360) % 360) / 45) % 8] };
}

/** Metres between two points (equirectangular: exact enough within a city). */
export function metres(a: Point, b: Point): number {
  const k = Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot((b.lon - a.lon) * k, b.lat - a.lat) * 111_320;
}

/** The named place nearest to p within `within` metres, with its distance rounded to tens of metres. */
export function nearestPlace<T extends Point & { name: string }>(p: Point, places: T[], within = 250): { place: T; metres: number } | null {
  let best: { place: T; metres: number } | null = null;
  for (const q of places) {
    const d = metres(p, q);
    if (d <= within && (!best || d < best.metres)) best = { place: q, metres: d };
  }
  return best && { place: best.place, metres: Math.max(10, Math.round(best.metres / 10) * 10) };
}

/** The first of the areas whose outline holds p. */
export function areaAt<T extends { boundary: GeoJSONGeometry }>(p: Point, areas: T[]): T | null {
  return areas.find((a) => inside(p, a.boundary)) ?? null;
}
