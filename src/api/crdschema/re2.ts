// RE2 (Go's regexp) patterns as JavaScript regular expressions. CRD `pattern`s and CEL `matches`
// are RE2 upstream; the common differences are translated: inline flags ((?i), (?s), (?m), also
// scoped (?i:…) approximated as global), \A and \z anchors, (?P<name>…) groups, \pL classes and
// POSIX classes like [[:alpha:]]. Lookaround and backreferences, which RE2 lacks, are rejected.

const posix: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', xdigit: '0-9A-Fa-f',
  word: '\\w', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~', ascii: '\\x00-\\x7f',
};

/** Compiles an RE2 pattern; throws an Error with RE2-like wording when it is not valid RE2. */
export function compileRE2(pattern: string): RegExp {
  const unsupported = /\(\?<?[=!]|\\[1-9]/.exec(pattern);
  if (unsupported) throw new Error(`error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\``);
  const flags = new Set<string>();
  let src = pattern
    .replace(/\(\?([imsU]+)\)/g, (_m, f: string) => { for (const c of f) if (c !== 'U') flags.add(c); return ''; })
    .replace(/\(\?([imsU]+):/g, (_m, f: string) => { for (const c of f) if (c !== 'U') flags.add(c); return '(?:'; })
    .replace(/\(\?P</g, '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => (posix[name] && !neg ? posix[name]! : m))
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  if (/\\[pP]/.test(src)) {
    src = src.replace(/\\([pP])([A-Z])/g, '\\$1{$2}');
    flags.add('u');
  }
  try {
    return new RegExp(src, [...flags].join(''));
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message}`);
  }
}
