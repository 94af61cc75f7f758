import { describe, it, expect } from 'vitest';
import { base64ErrorOffset, durationError, quantityError, quantityFormatError, quantitySuffixError, timeError } from './formats.js';

describe('quantityError (resource.ParseQuantity)', () => {
  it('accepts what upstream accepts', () => {
    for (const q of ['0', '1', '100m', '1.5', '.5', '1.', '+1', '-1', '128Mi', '1Gi', '2Ei', '1e3', '1E-3', '5n', '10k', '1M']) {
      expect(quantityError(q), q).toBeUndefined();
    }
  });
  it('rejects with the format or the suffix error', () => {
    expect(quantityError('')).toBe(quantityFormatError);
    expect(quantityError('1 core')).toBe(quantityFormatError);
    expect(quantityError('abc')).toBe(quantityFormatError);
    expect(quantityError('1.2.3')).toBe(quantityFormatError);
    expect(quantityError('1ki')).toBe(quantitySuffixError);
    expect(quantityError('1mm')).toBe(quantitySuffixError);
  });
});

describe('timeError (RFC 3339)', () => {
  it('accepts RFC 3339 with zone and optional fraction', () => {
    expect(timeError('2024-02-29T23:59:59Z')).toBeUndefined();
    expect(timeError('2024-01-01T00:00:00.123456+02:00')).toBeUndefined();
    expect(timeError('2024-01-01T00:00:00.123456Z', true)).toBeUndefined();
  });
  it('rejects other layouts and out-of-range fields', () => {
    expect(timeError('2024-01-01')).toMatch(/^parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00"/);
    expect(timeError('2023-02-29T00:00:00Z')).toBe('parsing time "2023-02-29T00:00:00Z": day out of range');
    expect(timeError('2023-13-01T00:00:00Z')).toBe('parsing time "2023-13-01T00:00:00Z": month out of range');
  });
});

describe('durationError (time.ParseDuration)', () => {
  it('accepts Go durations', () => {
    for (const d of ['0', '1s', '1.5h', '-2m3s', '100ms', '3µs', '1h2m3s4ms5us6ns']) expect(durationError(d), d).toBeUndefined();
  });
  it('rejects with Go messages', () => {
    expect(durationError('1')).toBe('time: missing unit in duration "1"');
    expect(durationError('1d')).toBe('time: unknown unit "d" in duration "1d"');
    expect(durationError('soon')).toBe('time: invalid duration "soon"');
    expect(durationError('')).toBe('time: invalid duration ""');
  });
});

describe('base64ErrorOffset (base64.StdEncoding)', () => {
  it('accepts padded base64, ignoring newlines', () => {
    for (const s of ['', 'aGVsbG8=', 'aGk=', 'aGVsbG8h', 'aGVs\nbG8=']) expect(base64ErrorOffset(s), s).toBeUndefined();
  });
  it('reports the offset of the first bad byte', () => {
    expect(base64ErrorOffset('hello!')).toBe(5);
    expect(base64ErrorOffset('aGVsbG8')).toBe(4);
    expect(base64ErrorOffset('a===')).toBe(1);
    expect(base64ErrorOffset('aGk=x')).toBe(4);
    expect(base64ErrorOffset('aG=')).toBe(3);
  });
});
