import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, mkdirSync, writeFileSync, symlinkSync, chownSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setVolumeOwnership, requiresPermissionChange } from './ownership.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kites-own-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const isRoot = process.getuid?.() === 0;

describe('fsGroup ownership', () => {
  it.skipIf(!isRoot)('re-groups files and dirs, adds group rw and setgid (root only)', () => {
    const root = tmp();
    mkdirSync(join(root, 'd'), { mode: 0o700 });
    writeFileSync(join(root, 'd/f'), 'x', { mode: 0o600 });
    symlinkSync('/etc/hostname', join(root, 'link'));
    setVolumeOwnership(root, 2000, { readOnly: false });
    const d = statSync(join(root, 'd'));
    expect(d.gid).toBe(2000);
    expect(d.mode & 0o7777).toBe(0o2770);
    const f = statSync(join(root, 'd/f'));
    expect(f.gid).toBe(2000);
    expect(f.mode & 0o777).toBe(0o660);
    expect(lstatSync(join(root, 'link')).gid).toBe(2000);
    expect(statSync('/etc/hostname').gid).not.toBe(2000);
    expect(requiresPermissionChange(root, 2000, false)).toBe(false);
  });

  it.skipIf(!isRoot)('OnRootMismatch skips the walk when the root already matches (root only)', () => {
    const root = tmp();
    writeFileSync(join(root, 'f'), 'x', { mode: 0o600 });
    setVolumeOwnership(root, 3000, { readOnly: false, policy: 'OnRootMismatch' });
    expect(statSync(join(root, 'f')).gid).toBe(3000);
    chownSync(join(root, 'f'), 0, 0);
    setVolumeOwnership(root, 3000, { readOnly: false, policy: 'OnRootMismatch' });
    expect(statSync(join(root, 'f')).gid).toBe(0);
    setVolumeOwnership(root, 3000, { readOnly: false, policy: 'Always' });
    expect(statSync(join(root, 'f')).gid).toBe(3000);
  });

  it('read-only volumes get group read only; no fsGroup changes nothing', () => {
    const root = tmp();
    writeFileSync(join(root, 'f'), 'x', { mode: 0o600 });
    setVolumeOwnership(root, undefined, { readOnly: true });
    expect(statSync(join(root, 'f')).mode & 0o777).toBe(0o600);
    setVolumeOwnership(root, process.getgid?.() ?? 0, { readOnly: true });
    expect(statSync(join(root, 'f')).mode & 0o777).toBe(0o640);
  });
});
