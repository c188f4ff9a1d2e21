import { describe, expect, it } from 'vitest';
import { batchInputExcerpt, inputExcerpt, INPUT_EXCERPT_BYTES } from './input-excerpt.js';

describe('inputExcerpt', () => {
  it('keeps short input as it is, strings raw and anything else as JSON', () => {
    expect(inputExcerpt('OPEL 4 at RHU03')).toBe('OPEL 4 at RHU03');
    expect(inputExcerpt({ site: 'RHU03', opel: 4 })).toBe('{"site":"RHU03","opel":4}');
  });

  it('cuts long input to at most 4 KB, marked with an ellipsis', () => {
    const excerpt = inputExcerpt('x'.repeat(5 * 1024 * 1024));
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(INPUT_EXCERPT_BYTES);
    expect(Buffer.byteLength(excerpt)).toBeGreaterThan(INPUT_EXCERPT_BYTES - 8);
    expect(excerpt.endsWith('…')).toBe(true);
  });

  it('never cuts inside a character', () => {
    for (const filler of ['é', '€', '🏥']) {
      const excerpt = inputExcerpt(filler.repeat(3000));
      expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(INPUT_EXCERPT_BYTES);
      expect(excerpt).not.toContain('\uFFFD');
      expect(excerpt.slice(0, -1).replaceAll(filler, '')).toBe('');
    }
  });

  it('a string of exactly 4 KB is kept whole', () => {
    expect(inputExcerpt('a'.repeat(INPUT_EXCERPT_BYTES))).toBe('a'.repeat(INPUT_EXCERPT_BYTES));
  });
});

describe('batchInputExcerpt', () => {
  it('shows CSV rows as lines under their header, within 4 KB however many rows', () => {
    const items = Array.from({ length: 500 }, (_, row) => ({ updateId: `u${row}`, body: ['RHU03', String(row % 4 + 1)], row }));
    const excerpt = batchInputExcerpt({ header: ['site', 'opel'], items });
    expect(excerpt.startsWith('site,opel\nRHU03,1\nRHU03,2\n')).toBe(true);
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(INPUT_EXCERPT_BYTES);
  });

  it('shows JSON bodies one per line', () => {
    expect(batchInputExcerpt({ items: [{ body: { site: 'RHU03', opel: 2 } }, { body: 'free text' }] })).toBe('{"site":"RHU03","opel":2}\nfree text');
  });
});
