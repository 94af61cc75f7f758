import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriLogWriter, parseCriLogLine, rfc3339Nano } from './cri-log.js';
import { OutputTailer } from './output-tailer.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kites-log-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('CRI logs', () => {
  it('formats timestamps with nanoseconds', () => {
    expect(rfc3339Nano(Date.UTC(2026, 10, 22, 21, 0, 55, 123), 456789)).toBe('2026-11-22T21:00:55.123456789Z');
  });

  it('rotates past the size bound into one backup', () => {
    const d = tmp();
    const w = new CriLogWriter(join(d, '0.log'), 200);
    for (let i = 0; i < 10; i++) w.writeLines('stdout', [`line-${i}-${'x'.repeat(20)}`]);
    w.close();
    const cur = readFileSync(join(d, '0.log'), 'utf8');
    const old = readFileSync(join(d, '0.log.1'), 'utf8');
    expect(cur.length).toBeLessThanOrEqual(200);
    expect(old.length).toBeLessThanOrEqual(200);
    expect(parseCriLogLine(cur.trim().split('\n').pop()!)?.content).toBe(`line-9-${'x'.repeat(20)}`);
  });

  it('tails raw output into CRI lines, holding partial lines until they end', () => {
    const d = tmp();
    writeFileSync(join(d, 'out'), 'one\ntw');
    writeFileSync(join(d, 'err'), '');
    const t = new OutputTailer(join(d, 'out'), join(d, 'err'), join(d, 'logs', '0.log'), { stdout: 0, stderr: 0 });
    const seen: string[] = [];
    t.subscribe((s, c) => seen.push(`${s}:${c.toString()}`));
    t.drain();
    appendFileSync(join(d, 'out'), 'o\n');
    appendFileSync(join(d, 'err'), 'bad');
    t.drain(true);
    t.close();
    const lines = readFileSync(join(d, 'logs', '0.log'), 'utf8').trim().split('\n').map((l) => parseCriLogLine(l));
    expect(lines.map((l) => `${l?.stream}:${l?.content}`)).toEqual(['stdout:one', 'stdout:two', 'stderr:bad']);
    expect(seen).toEqual(['stdout:one\ntw', 'stdout:o\n', 'stderr:bad']);
    expect(existsSync(join(d, 'logs', '0.log.1'))).toBe(false);
  });
});
