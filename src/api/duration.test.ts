import { describe, it, expect } from 'vitest';
import { formatGoDuration, formatGoDurationNs, humanDuration, parseGoDuration, shortHumanDuration, translateTimestampSince } from './duration.js';

const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h, y = 365 * d;

describe('humanDuration', () => {
  it('matches upstream breakpoints', () => {
    const cases: [number, string][] = [
      [-3 * s, '<invalid>'], [-1500, '0s'], [0, '0s'], [5 * s, '5s'], [119 * s, '119s'], [2 * m, '2m'], [2 * m + 10 * s, '2m10s'],
      [9 * m + 59 * s, '9m59s'], [10 * m + 30 * s, '10m'], [179 * m, '179m'], [3 * h, '3h'], [3 * h + 5 * m, '3h5m'],
      [8 * h + 5 * m, '8h'], [47 * h, '47h'], [2 * d, '2d'], [4 * d + 3 * h, '4d3h'], [8 * d + 3 * h, '8d'],
      [729 * d, '729d'], [2 * y, '2y'], [2 * y + 15 * d, '2y15d'], [8 * y + 15 * d, '8y'],
    ];
    for (const [ms, want] of cases) expect([ms, humanDuration(ms)]).toEqual([ms, want]);
  });

  it('has a short form and a timestamp helper', () => {
    expect(shortHumanDuration(90 * s)).toBe('1m');
    expect(shortHumanDuration(30 * h)).toBe('1d');
    const now = new Date('2025-01-01T00:10:00Z');
    expect(translateTimestampSince('2025-01-01T00:05:00Z', now)).toBe('5m');
    expect(translateTimestampSince(undefined, now)).toBe('<unknown>');
  });
});

describe('Go durations', () => {
  it('parses', () => {
    expect(parseGoDuration('1h30m')).toBe(90 * m);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('-1.5s')).toBe(-1500);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('1us')).toBe(0.001);
    expect(() => parseGoDuration('1')).toThrow('time: missing unit in duration "1"');
    expect(() => parseGoDuration('1x')).toThrow('time: unknown unit "x" in duration "1x"');
    expect(() => parseGoDuration('')).toThrow('time: invalid duration ""');
    expect(() => parseGoDuration('h')).toThrow('time: invalid duration "h"');
  });

  it('formats', () => {
    expect(formatGoDuration(0)).toBe('0s');
    expect(formatGoDuration(90 * m)).toBe('1h30m0s');
    expect(formatGoDuration(3723500)).toBe('1h2m3.5s');
    expect(formatGoDuration(1.5)).toBe('1.5ms');
    expect(formatGoDurationNs(100_000n)).toBe('100µs');
    expect(formatGoDurationNs(10n)).toBe('10ns');
    expect(formatGoDuration(-2 * s)).toBe('-2s');
    expect(formatGoDuration(65 * s)).toBe('1m5s');
  });
});
