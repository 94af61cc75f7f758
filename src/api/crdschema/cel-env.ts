// The CEL environment for x-kubernetes-validations: `self` and `oldSelf` as dynamic values, plus a
// few of the Kubernetes CEL library functions CRD authors commonly use that the CEL library lacks
// (strings replace/charAt, regex find/findAll, isURL, lists isSorted/sum/min/max/indexOf/lastIndexOf).
import { Environment } from '@marcbachmann/cel-js';
import { compileRE2 } from './re2.js';

type Scalar = bigint | number | string;

/** Compiled RE2 patterns of one environment (rules use a handful of constant patterns). */
function regexCache(): (re: string, extraFlags?: string) => RegExp {
  const cache = new Map<string, RegExp>();
  return (re, extraFlags = '') => {
    const key = `${extraFlags}/${re}`;
    let r = cache.get(key);
    if (!r) {
      try { r = compileRE2(re); } catch { throw new Error(`Invalid regular expression: ${re}`); }
      if (extraFlags) r = new RegExp(r.source, r.flags + extraFlags);
      if (cache.size > 1000) cache.clear();
      cache.set(key, r);
    }
    // Global regexes keep lastIndex; hand out a fresh one so matchAll starts at 0.
    return extraFlags ? new RegExp(r) : r;
  };
}

function compare(a: Scalar, b: Scalar): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A fresh environment; create one per cache, it is reused for every rule compiled there. With
 * `optionalOldSelf`, oldSelf is an optional (rules marked optionalOldSelf also run on create).
 */
export function newCelEnvironment(optionalOldSelf = false): Environment {
  const regex = regexCache();
  return new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
    .registerVariable('self', 'dyn')
    .registerVariable('oldSelf', optionalOldSelf ? 'optional<dyn>' : 'dyn')
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
      let out = s;
      let count = 0n;
      let idx = 0;
      while (n < 0n || count < n) {
        const at = out.indexOf(a, idx);
        if (at < 0) break;
        out = out.slice(0, at) + b + out.slice(at + a.length);
        idx = at + b.length + (a.length === 0 ? 1 : 0);
        count++;
      }
      return out;
    })
    // Rules' `.matches(` calls are rewritten to this RE2-aware matcher (see cel-rewrite.ts).
    .registerFunction('string.re2Matches(string): bool', (s: string, re: string) => regex(re).test(s))
    .registerFunction('string.find(string): string', (s: string, re: string) => regex(re).exec(s)?.[0] ?? '')
    .registerFunction('string.findAll(string): list<string>', (s: string, re: string) => [...s.matchAll(regex(re, 'g'))].map((m) => m[0]))
    .registerFunction('string.findAll(string, int): list<string>', (s: string, re: string, n: bigint) => {
      const all = [...s.matchAll(regex(re, 'g'))].map((m) => m[0]);
      return n < 0n ? all : all.slice(0, Number(n));
    })
    .registerFunction('isURL(string): bool', (s: string) => {
      if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && !s.startsWith('/')) return false;
      try { new URL(s, 'http://relative.invalid'); return true; } catch { return false; }
    })
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => [...s][Number(i)] ?? '')
    .registerFunction('list.isSorted(): bool', (l: Scalar[]) => l.every((v, i) => i === 0 || compare(l[i - 1]!, v) <= 0))
    .registerFunction('list.sum(): dyn', (l: Scalar[]) => (l.length === 0 ? 0n : l.reduce((a, b) => (a as never) + (b as never))))
    .registerFunction('list.min(): dyn', (l: Scalar[]) => l.reduce((a, b) => (compare(a, b) <= 0 ? a : b)))
    .registerFunction('list.max(): dyn', (l: Scalar[]) => l.reduce((a, b) => (compare(a, b) >= 0 ? a : b)))
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => x === v)))
    .registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], v: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (l[i] === v) return BigInt(i);
      return -1n;
    });
}
