// Source rewrites that let the CEL library accept rules cel-go accepts: `has()` on a field of an
// indexed or computed operand (has(self.items[0].name)) becomes an optional select
// ((self.items[0]).?name.hasValue()), which has the same meaning; `.matches(` calls go to an RE2-aware
// matcher. Only code outside string literals is touched.

const ident = /[A-Za-z0-9_]/;

/** Index of the end of the string literal starting at i (exclusive), or -1 when s[i] starts none. */
function literalEnd(s: string, i: number): number {
  let j = i;
  if (s[j] === 'r' || s[j] === 'R' || s[j] === 'b' || s[j] === 'B') {
    if (j > 0 && ident.test(s[j - 1]!)) return -1;
    j++;
    if ((s[j] === 'r' || s[j] === 'R' || s[j] === 'b' || s[j] === 'B') && (s[j + 1] === '"' || s[j + 1] === "'")) j++;
  }
  const q = s[j];
  if (q !== '"' && q !== "'") return -1;
  if (j > i && !(s[j] === '"' || s[j] === "'")) return -1;
  const raw = /[rR]/.test(s.slice(i, j));
  const triple = s.startsWith(q.repeat(3), j);
  const close = triple ? q.repeat(3) : q;
  let k = j + close.length;
  while (k < s.length) {
    if (!raw && s[k] === '\\') { k += 2; continue; }
    if (s.startsWith(close, k)) return k + close.length;
    if (!triple && s[k] === '\n') return k;
    k++;
  }
  return s.length;
}

/** Index of the parenthesis closing the one opened at `open`, skipping strings; -1 if unbalanced. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const end = literalEnd(s, i);
    if (end >= 0) { i = end - 1; continue; }
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { depth--; if (depth === 0) return c === ')' ? i : -1; }
  }
  return -1;
}

/** The last top-level `.` of an expression (outside brackets and strings), or -1. */
function lastTopLevelDot(s: string): number {
  let depth = 0, last = -1;
  for (let i = 0; i < s.length; i++) {
    const end = literalEnd(s, i);
    if (end >= 0) { i = end - 1; continue; }
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '.' && depth === 0 && s[i + 1] !== '?' && !/\d/.test(s[i + 1] ?? '')) last = i;
  }
  return last;
}

const simpleChain = /^\s*[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)*\s*$/;

export function rewriteRule(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const end = literalEnd(src, i);
    if (end >= 0) { out += src.slice(i, end); i = end - 1; continue; }
    if (src.startsWith('has(', i) && (i === 0 || !/[\w.]/.test(src[i - 1]!))) {
      const close = closingParen(src, i + 3);
      if (close > 0) {
        const arg = rewriteRule(src.slice(i + 4, close));
        const dot = lastTopLevelDot(arg);
        const field = dot >= 0 ? arg.slice(dot + 1).trim() : '';
        const operand = dot >= 0 ? arg.slice(0, dot) : '';
        if (dot > 0 && /^[A-Za-z_]\w*$/.test(field) && !simpleChain.test(operand)) {
          out += `((${operand}).?${field}.hasValue())`;
        } else {
          out += `has(${arg})`;
        }
        i = close;
        continue;
      }
    }
    if (src.startsWith('.matches(', i)) { out += '.re2Matches('; i += '.matches('.length - 1; continue; }
    out += src[i];
  }
  return out;
}
