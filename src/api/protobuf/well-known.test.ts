import { describe, it, expect } from 'vitest';
import { formatDuration, formatMicroTime, formatTime } from './well-known.js';

describe('well-known JSON forms', () => {
  it('formats Time and MicroTime like RFC 3339 in Go', () => {
    const s = Date.UTC(2024, 0, 2, 3, 4, 5) / 1000;
    expect(formatTime(s)).toBe('2024-01-02T03:04:05Z');
    expect(formatMicroTime(s, 123456789)).toBe('2024-01-02T03:04:05.123456Z');
    expect(formatMicroTime(s, 0)).toBe('2024-01-02T03:04:05.000000Z');
    expect(formatTime(0)).toBe('1970-01-01T00:00:00Z');
  });

  it('formats durations like Go time.Duration.String', () => {
    const s = 1_000_000_000n;
    expect(formatDuration(0n)).toBe('0s');
    expect(formatDuration(1n)).toBe('1ns');
    expect(formatDuration(1500n)).toBe('1.5µs');
    expect(formatDuration(300_000_000n)).toBe('300ms');
    expect(formatDuration(1_500_000_000n)).toBe('1.5s');
    expect(formatDuration(60n * s)).toBe('1m0s');
    expect(formatDuration(3600n * s)).toBe('1h0m0s');
    expect(formatDuration(90061n * s + 5n)).toBe('25h1m1.000000005s');
    expect(formatDuration(-5n * s)).toBe('-5s');
  });
});
