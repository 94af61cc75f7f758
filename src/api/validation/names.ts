// Name and string format checks with upstream's exact messages
// (k8s.io/apimachinery/pkg/util/validation). Each returns a list of messages; empty means valid.

export const dns1123LabelMaxLength = 63;
export const dns1123SubdomainMaxLength = 253;

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${qualifiedNameFmt})?`;
const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const percentFmt = '[0-9]+%';
const wildcardDNS1123SubdomainFmt = `\\*\\.${dns1123SubdomainFmt}`;

const whole = (fmt: string) => new RegExp(`^${fmt}$`);
const dns1123LabelRe = whole(dns1123LabelFmt);
const dns1123SubdomainRe = whole(dns1123SubdomainFmt);
const dns1035LabelRe = whole(dns1035LabelFmt);
const qualifiedNameRe = whole(qualifiedNameFmt);
const labelValueRe = whole(labelValueFmt);
const configMapKeyRe = whole(configMapKeyFmt);
const percentRe = whole(percentFmt);
const wildcardRe = whole(wildcardDNS1123SubdomainFmt);

/** Upstream's RegexError: the message, examples, then the regex. The double space is upstream's. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((ex, i) => {
    if (i > 0) s += ' or ';
    s += `'${ex}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

export const maxLenError = (n: number) => `must be no more than ${n} characters`;
export const emptyError = () => 'must be non-empty';
export const inclusiveRangeError = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > dns1123LabelMaxLength) errs.push(maxLenError(dns1123LabelMaxLength));
  if (!dns1123LabelRe.test(v)) {
    if (dns1123SubdomainRe.test(v)) errs.push('must not contain dots');
    else errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!dns1123SubdomainRe.test(v)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFmt, 'example.com'));
  }
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > dns1123LabelMaxLength) errs.push(maxLenError(dns1123LabelMaxLength));
  if (!dns1035LabelRe.test(v)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", dns1035LabelFmt, 'my-name', 'abc-123'));
  }
  return errs;
}

export function isWildcardDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!wildcardRe.test(v)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", wildcardDNS1123SubdomainFmt, '*.example.com'));
  }
  return errs;
}

const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Label keys, annotation keys, finalizers: an optional DNS subdomain prefix and a 63-char name. */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [`a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(v)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", labelValueFmt, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** Keys of ConfigMap/Secret data (they become file names in volumes). */
export function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!configMapKeyRe.test(v)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** Names that appear as one URL path segment (RBAC roles, some others). */
export function isValidPathSegmentName(v: string): string[] {
  for (const bad of ['.', '..']) if (v === bad) return [`may not be '${bad}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (v.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** As above for a generateName prefix: only the forbidden characters matter. */
export function isValidPathSegmentPrefix(v: string): string[] {
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (v.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** Port names (IANA_SVC_NAME). */
export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.length > 0 && (v.startsWith('-') || v.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function isValidPortNum(p: number): string[] {
  return Number.isInteger(p) && p >= 1 && p <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** Environment variable names, as relaxed in 1.32 (RelaxedEnvironmentVariableValidation). */
export function isRelaxedEnvVarName(v: string): string[] {
  const errs: string[] = [];
  if (v.length === 0) errs.push(`environment variable name ${emptyError()}`);
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c > 0x7e || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

export function isValidPercent(v: string): string[] {
  return percentRe.test(v) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%')];
}

export function isValidIP(v: string): string[] {
  return isIP(v) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function isValidCIDR(v: string): string[] {
  const i = v.indexOf('/');
  if (i > 0) {
    const ip = v.slice(0, i);
    const bits = v.slice(i + 1);
    const max = ip.includes(':') ? 128 : 32;
    if (isIP(ip) && /^\d{1,3}$/.test(bits) && Number(bits) <= max) return [];
  }
  return ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
}

function isIP(v: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(v)) return v.split('.').every((p) => Number(p) <= 255);
  if (!v.includes(':') || !/^[0-9a-fA-F:.]+$/.test(v)) return false;
  const dbl = v.split('::');
  if (dbl.length > 2) return false;
  const groups = v.replace('::', ':x:').split(':').filter((g) => g !== '');
  let count = 0;
  for (const g of groups) {
    if (g === 'x') continue;
    if (g.includes('.')) { if (!isIP(g)) return false; count += 2; continue; }
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    count += 1;
  }
  return dbl.length === 2 ? count < 8 : count === 8;
}

/** A name-validation function, as upstream's ValidateNameFunc: prefix=true checks a generateName. */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** generateName may end in '-': mask it so the rest is checked (upstream's maskTrailingDash). */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (n, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(n) : n);
export const nameIsDNSLabel: NameValidator = (n, prefix) => isDNS1123Label(prefix ? maskTrailingDash(n) : n);
export const nameIsDNS1035Label: NameValidator = (n, prefix) => isDNS1035Label(prefix ? maskTrailingDash(n) : n);
export const nameIsPathSegment: NameValidator = (n, prefix) => (prefix ? isValidPathSegmentPrefix(n) : isValidPathSegmentName(n));
