// String formats checked for CRD schemas: the formats apiextensions keeps (others are ignored, as
// upstream strips unsupported formats), with checks equivalent to kube-openapi's strfmt registry.
import { isIPv4, isIPv6 } from 'node:net';

const hostnameRe = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const uuidRe = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuidVersionRe = (v: number) => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?${v === 3 ? '[0-9a-f]' : '[89ab]'}[0-9a-f]{3}-?[0-9a-f]{12}$`, 'i');
const uuid3Re = uuidVersionRe(3);
const uuid4Re = uuidVersionRe(4);
const uuid5Re = uuidVersionRe(5);
const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimeRe = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const durationRe = /^(\s*[-+]?\d+(\.\d+)?\s*(ns|us|µs|μs|ms|s|m|h|d|w|seconds?|minutes?|hours?|days?|weeks?|sec|min|hr)\s*)+$/;
const emailRe = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
const macRe = /^([0-9a-fA-F]{2}([:-])){5}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}([:-])){7}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}([:-])){19}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/;
const hexColorRe = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const rgbColorRe = /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;
const ssnRe = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const isbn10Re = /^(?:[0-9]{9}X|[0-9]{10})$/;
const isbn13Re = /^(?:[0-9]{13})$/;
const creditCardRe = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/;
const bsonObjectIdRe = /^[0-9a-fA-F]{24}$/;

function validDate(y: string, m: string, d: string): boolean {
  const mm = Number(m), dd = Number(d), yy = Number(y);
  if (mm < 1 || mm > 12 || dd < 1) return false;
  const days = new Date(Date.UTC(yy, mm, 0)).getUTCDate();
  return dd <= days;
}

function isDateTime(s: string): boolean {
  const m = dateTimeRe.exec(s);
  if (!m) return false;
  if (!validDate(m[1]!, m[2]!, m[3]!)) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && (m[7] === undefined || Number(m[7]) < 61);
}

function isURI(s: string): boolean {
  // As url.ParseRequestURI: an absolute URI or an absolute path, no spaces.
  if (/\s/.test(s)) return false;
  if (s.startsWith('/')) return true;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s)) return false;
  try { new URL(s); return true; } catch { return false; }
}

function isCIDR(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const ip = s.slice(0, i), bits = s.slice(i + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return (isIPv4(ip) && n <= 32) || (isIPv6(ip) && n <= 128);
}

const checks: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => bsonObjectIdRe.test(s),
  uri: isURI,
  email: (s) => emailRe.test(s),
  hostname: (s) => s.length <= 255 && hostnameRe.test(s),
  ipv4: (s) => isIPv4(s),
  ipv6: (s) => isIPv6(s),
  cidr: isCIDR,
  mac: (s) => macRe.test(s),
  uuid: (s) => uuidRe.test(s),
  uuid3: (s) => uuid3Re.test(s),
  uuid4: (s) => uuid4Re.test(s),
  uuid5: (s) => uuid5Re.test(s),
  isbn: (s) => isbn10Re.test(s.replace(/[- ]/g, '')) || isbn13Re.test(s.replace(/[- ]/g, '')),
  isbn10: (s) => isbn10Re.test(s.replace(/[- ]/g, '')),
  isbn13: (s) => isbn13Re.test(s.replace(/[- ]/g, '')),
  creditcard: (s) => creditCardRe.test(s.replace(/[- ]/g, '')),
  ssn: (s) => ssnRe.test(s),
  hexcolor: (s) => hexColorRe.test(s),
  rgbcolor: (s) => rgbColorRe.test(s),
  byte: (s) => base64Re.test(s),
  password: () => true,
  date: (s) => { const m = dateRe.exec(s); return !!m && validDate(m[1]!, m[2]!, m[3]!); },
  duration: (s) => durationRe.test(s),
  datetime: isDateTime,
  'date-time': isDateTime,
};

/** Whether apiextensions checks this format at all (unknown formats are accepted as-is). */
export function isSupportedFormat(format: string): boolean {
  return Object.prototype.hasOwnProperty.call(checks, format);
}

/** True when `value` satisfies `format` (or the format is not one that is checked). */
export function matchesFormat(format: string, value: string): boolean {
  const check = checks[format];
  return check ? check(value) : true;
}
