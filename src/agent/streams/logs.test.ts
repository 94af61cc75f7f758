import { describe, it, expect, afterEach } from 'vitest';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriLineJoiner, fixedNanoTimestamp, logOptionsFromQuery, streamLog, LogOptionsError } from './logs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('CRI log lines', () => {
  it('joins partial records and keeps content spaces', () => {
    const j = new CriLineJoiner();
    expect(j.record(Buffer.from('2026-01-01T00:00:00Z stdout P a  b'))).toBeUndefined();
    expect(j.record(Buffer.from('2026-01-01T00:00:01Z stdout F  c'))?.content.toString()).toBe('a  b c');
    expect(j.record(Buffer.from('2026-01-01T00:00:02Z stderr F'))?.content.toString()).toBe('');
    expect(j.record(Buffer.from('garbage'))).toBeUndefined();
  });

  it('prints timestamps with nine fraction digits', () => {
    expect(fixedNanoTimestamp('2026-11-22T21:00:55Z')).toBe('2026-11-22T21:00:55.000000000Z');
    expect(fixedNanoTimestamp('2026-11-22T21:00:55.12Z')).toBe('2026-11-22T21:00:55.120000000Z');
  });

  it('validates options like the API server', () => {
    expect(() => logOptionsFromQuery(new URLSearchParams('tailLines=-1'))).toThrow(LogOptionsError);
    expect(() => logOptionsFromQuery(new URLSearchParams('limitBytes=0'))).toThrow(LogOptionsError);
    expect(logOptionsFromQuery(new URLSearchParams('sinceSeconds=10'), 100_000).sinceMs).toBe(90_000);
  });
});

describe('streamLog follow', () => {
  it('continues into the new file after rotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-logs-'));
    dirs.push(dir);
    const path = join(dir, '0.log');
    writeFileSync(path, '2026-01-01T00:00:00Z stdout F before\n');
    let running = true;
    const out: string[] = [];
    const abort = new AbortController();
    const done = streamLog(path, logOptionsFromQuery(new URLSearchParams('follow=true')), { write: (b) => out.push(b.toString()) }, {
      isRunning: async () => running, signal: abort.signal, pollMs: 20,
    });
    const waitFor = async (s: string) => {
      for (let i = 0; i < 200 && !out.join('').includes(s); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await waitFor('before');
    appendFileSync(path, '2026-01-01T00:00:01Z stdout F old-tail\n');
    renameSync(path, `${path}.1`);
    writeFileSync(path, '2026-01-01T00:00:02Z stdout F after\n');
    await waitFor('after');
    running = false;
    const t = setTimeout(() => abort.abort(), 3000);
    await done;
    clearTimeout(t);
    expect(abort.signal.aborted).toBe(false);
    expect(out.join('')).toBe('before\nold-tail\nafter\n');
  });

  it('stops when the client goes away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-logs-'));
    dirs.push(dir);
    const path = join(dir, '0.log');
    writeFileSync(path, '');
    const abort = new AbortController();
    const done = streamLog(path, logOptionsFromQuery(new URLSearchParams('follow=1')), { write: () => {} }, { isRunning: async () => true, signal: abort.signal, pollMs: 1000 });
    setTimeout(() => abort.abort(), 30);
    const started = Date.now();
    await done;
    expect(Date.now() - started).toBeLessThan(900);
  });
});
