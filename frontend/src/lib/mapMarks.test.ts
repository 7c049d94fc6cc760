import { describe, expect, it } from 'vitest';
import { KINDS } from './diagnosis';
import { MARKS, markSvg } from './mapMarks';

describe('map marks', () => {
  it('gives every kind of contribution its own shape and colour', () => {
    const shapes = new Set(KINDS.map((k) => MARKS[k].shape));
    const colors = new Set(KINDS.map((k) => MARKS[k].color));
    expect(shapes.size).toBe(KINDS.length);
    expect(colors.size).toBe(KINDS.length);
  });
  it('draws decorative SVG', () => {
    expect(markSvg('asset')).toContain('<rect');
    expect(markSvg('proposal')).toContain('<polygon');
    expect(markSvg('unknown')).toContain('aria-hidden="true"');
  });
});
