// The pod-template-hash (upstream controller.ComputeHash): FNV-32a over the pod template plus the
// collision count (4 bytes little-endian in an 8-byte buffer), the decimal sum rendered with
// rand.SafeEncodeString's alphabet. Upstream hashes the Go struct dump; we hash canonical JSON
// (sorted keys, empty values dropped), which is stable for equal templates.

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into a vowel-free alphabet (no bad words). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += alphanums[ch.codePointAt(0)! % alphanums.length];
  return out;
}

/** JSON with sorted keys and null / empty objects / empty arrays dropped. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(prune(v) ?? null);
}

/** Drops null, undefined, empty objects and empty arrays (Go treats nil and empty alike). */
export function prune(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const a = v.map((x) => prune(x) ?? null);
    return a.length ? a : undefined;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const p = prune((v as Record<string, unknown>)[k]);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v;
}

export function computeHash(template: unknown, collisionCount?: number | null): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(buf, h);
  }
  return safeEncodeString(String(h));
}
