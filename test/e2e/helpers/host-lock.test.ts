import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withHostNetworkLock } from './host-lock.js';

describe('withHostNetworkLock', () => {
  const base = mkdtempSync(join(tmpdir(), 'kites-lock-test-'));
  afterEach(() => rmSync(join(base, 'lock'), { recursive: true, force: true }));

  it('runs callers one at a time and releases the lock', async () => {
    const dir = join(base, 'lock');
    let inside = 0, maxInside = 0;
    const work = () => withHostNetworkLock(async () => {
      inside++; maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 20));
      inside--;
    }, 5_000, { dir, pollMs: 5 });
    await Promise.all([work(), work(), work()]);
    expect(maxInside).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('releases the lock when fn throws', async () => {
    const dir = join(base, 'lock');
    await expect(withHostNetworkLock(() => Promise.reject(new Error('boom')), 1_000, { dir })).rejects.toThrow('boom');
    expect(existsSync(dir)).toBe(false);
  });

  it('takes over a lock whose owner pid is dead', async () => {
    const dir = join(base, 'lock');
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    mkdirSync(dir);
    writeFileSync(join(dir, 'pid'), `${pid}\n`);
    await expect(withHostNetworkLock(async () => 'ok', 2_000, { dir, pollMs: 5 })).resolves.toBe('ok');
  });

  it('times out while a live process holds it', async () => {
    const dir = join(base, 'lock');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pid'), '1\n');
    await expect(withHostNetworkLock(async () => 'ok', 100, { dir, pollMs: 10 })).rejects.toThrow(/still held by pid 1/);
  });
});
