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
  /** Reads the string literal at i (a '"'); returns its decoded value only when `want` (keys). */
  const str = (want: boolean): string => {
    const start = i;
    let escaped = false;
    let end = raw.indexOf('"', i + 1);
    for (;;) {
      if (end < 0) throw new Error('unterminated string');
      let backslashes = 0;
      for (let k = end - 1; raw.charCodeAt(k) === 92; k--) backslashes++;
      if (backslashes === 0) break;
      escaped = true;
      if (backslashes % 2 === 0) break;
      end = raw.indexOf('"', end + 1);
    }
    i = end + 1;
    if (!want) return '';
    return escaped ? (JSON.parse(raw.slice(start, i)) as string) : raw.slice(start + 1, end);
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
        const key = str(true);
        ws();
        if (raw[i] !== ':') throw new Error('bad colon');
        i++;
        if (seen.has(key)) {
          const msg = `duplicate field ${JSON.stringify(path(key))}`; // strconv.Quote, as upstream
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
    if (c === '"') { str(false); return; }
    const start = i;
    for (; i < n; i++) {
      const k = raw.charCodeAt(i);
      if (k === 44 || k === 125 || k === 93 || k === 32 || k === 9 || k === 10 || k === 13) break;
    }
    if (i === start) throw new Error('bad value');
  };

  try {
    value(0);
  } catch {
    return [];
  }
  return out;
}
