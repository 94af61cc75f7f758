import { describe, expect, it } from 'vitest';
import { compareKeys, listStart, prefixEnd } from './keys.js';
import { MemoryStore } from './backends/memory/index.js';
import { SqliteStore } from './backends/sqlite/index.js';

const tricky = ['/a', '/a/', '/a~', '/a\u00e9', '/a\uffff', '/a\ufffd', '/a\u{1f600}', '/a\u{10ffff}', '/b', '/a\u{1f600}x'];

describe('keys', () => {
  it('orders by code point, like UTF-8 bytes', () => {
    const byBytes = [...tricky].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...tricky].sort(compareKeys)).toEqual(byBytes);
  });

  it('computes the end of a prefix range', () => {
    expect(prefixEnd('/a/')).toBe('/a0');
    expect(prefixEnd('')).toBeUndefined();
    expect(prefixEnd('/a\u{10ffff}')).toBe('/b');
    expect(prefixEnd('\u{10ffff}')).toBeUndefined();
    expect(prefixEnd('/a\ud7ff')).toBe('/a\ue000');
    expect(prefixEnd('/a\u{1f600}')).toBe('/a\u{1f601}');
    for (const p of ['/a', '/a\u{1f600}', '/a\uffff']) {
      const end = prefixEnd(p)!;
      for (const k of tricky) expect(k.startsWith(p), `${p} vs ${k}`).toBe(compareKeys(k, p) >= 0 && compareKeys(k, end) < 0);
    }
  });

  it('starts a list at the later of prefix and continue key', () => {
    expect(listStart('/p/', undefined)).toBe('/p/');
    expect(listStart('/p/', '/a')).toBe('/p/');
    expect(listStart('/p/', '/p/x')).toBe('/p/x');
  });

  it('both backends list non-ASCII keys in the same order and ranges', async () => {
    const stores = [new MemoryStore(), new SqliteStore({ path: ':memory:', compaction: false })];
    try {
      for (const s of stores) for (const k of tricky) await s.create(k, new Uint8Array([1]));
      for (const prefix of ['', '/a', '/a\u{1f600}', '/a\uffff']) {
        const [m, q] = await Promise.all(stores.map(async (s) => (await s.list(prefix)).items.map((kv) => kv.key)));
        expect(q, `prefix ${JSON.stringify(prefix)}`).toEqual(m);
        expect(m).toEqual(tricky.filter((k) => k.startsWith(prefix)).sort(compareKeys));
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
