import { describe, expect, it } from 'vitest';
import { areaAt, metres, nearestPlace, whereIn } from './place';
import type { GeoJSONGeometry } from './diagnosis';

// A square around el Raval (about 1 km across).
const raval: GeoJSONGeometry = { type: 'Polygon', coordinates: [[[2.160, 41.375], [2.175, 41.375], [2.175, 41.385], [2.160, 41.385], [2.160, 41.375]]] };

describe('a place in words', () => {
  it('says the centre, and the sides of the territory', () => {
    expect(whereIn({ lat: 41.380, lon: 2.1675 }, raval)).toEqual({ inside: true, side: 'centre' });
    expect(whereIn({ lat: 41.384, lon: 2.1675 }, raval)).toEqual({ inside: true, side: 'n' });
    expect(whereIn({ lat: 41.3835, lon: 2.174 }, raval)).toEqual({ inside: true, side: 'ne' });
    expect(whereIn({ lat: 41.3805, lon: 2.161 }, raval)).toEqual({ inside: true, side: 'w' });
    expect(whereIn({ lat: 41.376, lon: 2.161 }, raval)).toEqual({ inside: true, side: 'sw' });
  });
  it('says when a point is outside, and on which side', () => {
    expect(whereIn({ lat: 41.370, lon: 2.1675 }, raval)).toEqual({ inside: false, side: 's' });
    expect(whereIn({ lat: 41.380, lon: 2.190 }, raval)).toEqual({ inside: false, side: 'e' });
  });
  it('works on a multipolygon', () => {
    const two: GeoJSONGeometry = { type: 'MultiPolygon', coordinates: [raval.coordinates as number[][][], [[[2.2, 41.4], [2.21, 41.4], [2.21, 41.41], [2.2, 41.4]]]] };
    expect(whereIn({ lat: 41.384, lon: 2.1675 }, two).inside).toBe(true);
  });
});

describe('the named places and areas around a point', () => {
  const places = [
    { name: 'Escola Collaso i Gil', lat: 41.3790, lon: 2.1680 },
    { name: 'Mercat de Sant Antoni', lat: 41.3786, lon: 2.1621 },
  ];
  it('measures metres between points', () => {
    expect(Math.round(metres({ lat: 41.38, lon: 2.16 }, { lat: 41.39, lon: 2.16 }))).toBe(1113);
    expect(Math.round(metres({ lat: 41.38, lon: 2.16 }, { lat: 41.38, lon: 2.17 }))).toBeGreaterThan(830);
  });
  it('names the nearest place within reach, in tens of metres', () => {
    expect(nearestPlace({ lat: 41.3791, lon: 2.1683 }, places)).toEqual({ place: places[0], metres: 30 });
    expect(nearestPlace({ lat: 41.3787, lon: 2.1625 }, places)?.place.name).toBe('Mercat de Sant Antoni');
    expect(nearestPlace({ lat: 41.3900, lon: 2.1683 }, places)).toBeNull();
    expect(nearestPlace({ lat: 41.3790, lon: 2.1680 }, places)?.metres).toBe(10);
  });
  it('finds the area holding a point', () => {
    const areas = [{ name: 'el Raval', boundary: raval }];
    expect(areaAt({ lat: 41.380, lon: 2.1675 }, areas)?.name).toBe('el Raval');
    expect(areaAt({ lat: 41.370, lon: 2.1675 }, areas)).toBeNull();
  });
});
