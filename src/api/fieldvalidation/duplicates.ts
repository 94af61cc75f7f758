// Duplicate keys in a JSON request body. They vanish once the body is parsed (the last one
// wins), so this scans the raw text. Upstream's strict decoder reports each as
// `duplicate field "spec.replicas"` (same path form as unknown fields) for Strict/Warn.
// Unlike upstream, keys inside unknown fields and free-form (RawExtension) values are reported too.

const maxReported = 100;

/** The `duplicate field "…"` messages for the raw JSON text, in document order; [] for invalid JSON. */
export function findDuplicateJsonFields(raw: string): string[] {
  const out: string[] = [];
  const reported = new Set<string>();
  const n = raw.length;
  const stack: string[] = [];
  let i = 0;

  const ws = () => {
    while (i < n) {
      const c = raw.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const path = (key: string) => {
    let p = '';
    for (const seg of stack) p += seg.startsWith('[') || p === '' ? seg : `.${seg}`;
    return p === '' ? key : `${p}.${key}`;
  };
  const str = (): string => {
    const start = i;
    let escaped = false;
    i++;
    while (i < n) {
      const c = raw.charCodeAt(i);
      if (c === 92) { escaped = true; i += 2; continue; }
      if (c === 34) break;
      i++;
    }
    i++;
    const literal = raw.slice(start, i);
    return escaped ? (JSON.parse(literal) as string) : literal.slice(1, -1);
  };
  const value = (depth: number): void => {
    if (depth > 10_000) throw new Error('too deep');
    ws();
    const c = raw[i];
    if (c === '{') {
      i++;
      ws();
      if (raw[i] === '}') { i++; return; }
      const seen = new Set<string>();
      for (;;) {
        ws();
        if (raw[i] !== '"') throw new Error('bad key');
        const key = str();
        ws();
        if (raw[i] !== ':') throw new Error('bad colon');
        i++;
        if (seen.has(key)) {
          const msg = `duplicate field "${path(key)}"`;
          if (!reported.has(msg) && out.length < maxReported) { reported.add(msg); out.push(msg); }
        } else {
          seen.add(key);
        }
        stack.push(key);
        value(depth + 1);
        stack.pop();
        ws();
        if (raw[i] === ',') { i++; continue; }
        if (raw[i] === '}') { i++; return; }
        throw new Error('bad object');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (raw[i] === ']') { i++; return; }
      for (let index = 0; ; index++) {
        stack.push(`[${index}]`);
        value(depth + 1);
        stack.pop();
        ws();
        if (raw[i] === ',') { i++; continue; }
        if (raw[i] === ']') { i++; return; }
        throw new Error('bad array');
      }
    }
    if (c === '"') { str(); return; }
    const start = i;
    while (i < n && !',}] \t\n\r'.includes(raw[i])) i++;
    if (i === start) throw new Error('bad value');
  };

  try {
    value(0);
  } catch {
    return [];
  }
  return out;
}
