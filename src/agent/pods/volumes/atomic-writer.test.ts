import { describe, it, expect, afterEach } from 'vitest';
import { closeSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { writePayloadAtomically, validatePayloadPath, PayloadPathError, type Payload } from './atomic-writer.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kites-aw-')); dirs.push(d); return d; };
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const isRoot = process.getuid?.() === 0;
const payload = (entries: Record<string, string | [string, number]>): Payload =>
  new Map(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? { data: Buffer.from(v), mode: 0o644 } : { data: Buffer.from(v[0]), mode: v[1] }]));

describe('atomic writer', () => {
  it('publishes a generation behind ..data with user-visible symlinks', () => {
    const dir = tmp();
    expect(writePayloadAtomically(dir, payload({ 'a.conf': 'A', 'sub/b.txt': 'B' }))).toBe(true);
    const gen = readlinkSync(join(dir, '..data'));
    expect(gen).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./);
    expect(readlinkSync(join(dir, 'a.conf'))).toBe('..data/a.conf');
    expect(readlinkSync(join(dir, 'sub'))).toBe('..data/sub');
    expect(readFileSync(join(dir, 'sub/b.txt'), 'utf8')).toBe('B');
    expect(readdirSync(dir).sort()).toEqual(['..data', gen, 'a.conf', 'sub'].sort());
  });

  it('does nothing when the payload is unchanged; on change switches generations and prunes stale ones', () => {
    const dir = tmp();
    writePayloadAtomically(dir, payload({ a: 'A', b: 'B' }));
    const first = readlinkSync(join(dir, '..data'));
    expect(writePayloadAtomically(dir, payload({ a: 'A', b: 'B' }))).toBe(false);
    expect(readlinkSync(join(dir, '..data'))).toBe(first);
    expect(writePayloadAtomically(dir, payload({ b: 'B2' }))).toBe(true);
    const second = readlinkSync(join(dir, '..data'));
    expect(second).not.toBe(first);
    expect(readdirSync(dir).sort()).toEqual(['..data', second, 'b'].sort());
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('B2');
    // A mode change alone is a change too.
    expect(writePayloadAtomically(dir, payload({ b: ['B2', 0o400] }))).toBe(true);
    expect(statSync(join(dir, 'b')).mode & 0o777).toBe(0o400);
  });

  it('an update is seen through a directory handle opened before it', () => {
    const dir = tmp();
    writePayloadAtomically(dir, payload({ 'game.properties': 'lives=3' }));
    const fd = openSync(dir, 'r');
    try {
      const via = `/proc/self/fd/${fd}/game.properties`;
      expect(readFileSync(via, 'utf8')).toBe('lives=3');
      writePayloadAtomically(dir, payload({ 'game.properties': 'lives=5' }));
      expect(readFileSync(via, 'utf8')).toBe('lives=5');
    } finally {
      closeSync(fd);
    }
  });

  it.skipIf(!isRoot)('an update reaches a bind mount of the volume directory (root only)', () => {
    const dir = tmp();
    const bind = tmp();
    writePayloadAtomically(dir, payload({ key: 'v1' }));
    expect(spawnSync('mount', ['--bind', dir, bind]).status).toBe(0);
    cleanups.push(() => { spawnSync('umount', [bind]); });
    expect(readFileSync(join(bind, 'key'), 'utf8')).toBe('v1');
    writePayloadAtomically(dir, payload({ key: 'v2', other: 'x' }));
    expect(readFileSync(join(bind, 'key'), 'utf8')).toBe('v2');
    expect(readFileSync(join(bind, 'other'), 'utf8')).toBe('x');
  });

  it('replaces a volume written in the old flat layout', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a'), 'old');
    mkdirSync(join(dir, 'stale'));
    writePayloadAtomically(dir, payload({ a: 'new' }));
    expect(lstatSync(join(dir, 'a')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).not.toContain('stale');
  });

  it('applies file modes and refuses unsafe paths as upstream', () => {
    const dir = tmp();
    writePayloadAtomically(dir, payload({ s: ['x', 0o600], t: ['y', 0o755] }));
    expect(statSync(join(dir, 's')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 't')).mode & 0o777).toBe(0o755);
    expect(() => validatePayloadPath('/etc/passwd')).toThrow('invalid path: must not be absolute path: /etc/passwd');
    expect(() => validatePayloadPath('a/../../b')).toThrow("invalid path: must not contain '..': a/../../b");
    expect(() => validatePayloadPath('..data')).toThrow("invalid path: must not start with '..': ..data");
    expect(() => writePayloadAtomically(dir, payload({ '../x': 'y' }))).toThrow(PayloadPathError);
  });

  it.skipIf(!isRoot)('with fsGroup the files are group-owned and group-readable (root only)', () => {
    const dir = tmp();
    writePayloadAtomically(dir, payload({ s: ['x', 0o600], 'd/f': 'y' }), { fsGroup: 4321 });
    const s = statSync(join(dir, 's'));
    expect(s.gid).toBe(4321);
    expect(s.mode & 0o777).toBe(0o640);
    const d = statSync(join(dir, 'd'));
    expect(d.gid).toBe(4321);
    expect(d.mode & 0o2000).toBe(0o2000);
    // Unchanged payload with the same fsGroup: no new generation.
    const gen = readlinkSync(join(dir, '..data'));
    expect(writePayloadAtomically(dir, payload({ s: ['x', 0o600], 'd/f': 'y' }), { fsGroup: 4321 })).toBe(false);
    expect(readlinkSync(join(dir, '..data'))).toBe(gen);
  });
});
