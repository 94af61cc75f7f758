import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, symlinkSync, mkdirSync, realpathSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSubPath, expandSubPathExpr, SubPathError } from './subpath.js';
import { ContainerConfigError } from '../env.js';

const dirs: string[] = [];
const tmp = () => { const d = realpathSync(mkdtempSync(join(tmpdir(), 'kites-sp-'))); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('subPath', () => {
  it('is the volume itself without subPath, and a created sub directory with one', () => {
    const vol = tmp();
    chmodSync(vol, 0o777);
    expect(resolveSubPath(vol, { name: 'v' }, 'c')).toBe(vol);
    const p = resolveSubPath(vol, { name: 'v', subPath: 'a/b' }, 'c');
    expect(p).toBe(join(vol, 'a/b'));
    expect(statSync(p).isDirectory()).toBe(true);
    writeFileSync(join(vol, 'file'), 'x');
    expect(resolveSubPath(vol, { name: 'v', subPath: 'file' }, 'c')).toBe(join(vol, 'file'));
  });

  it('refuses absolute paths and .. as upstream', () => {
    const vol = tmp();
    expect(() => resolveSubPath(vol, { name: 'v', subPath: '/etc' }, 'c')).toThrow('error SubPath `/etc` must not be an absolute path');
    expect(() => resolveSubPath(vol, { name: 'v', subPath: 'a/../../x' }, 'c')).toThrow("unable to provision SubPath `a/../../x`: must not contain '..'");
    expect(() => resolveSubPath(vol, { name: 'v', subPath: '..' }, 'c')).toThrow(SubPathError);
    // A subPath error is a container config error (CreateContainerConfigError).
    expect(() => resolveSubPath(vol, { name: 'v', subPath: '/x' }, 'c')).toThrow(ContainerConfigError);
  });

  it('refuses symlinks that lead out of the volume, and does not mkdir through them', () => {
    const vol = tmp();
    const outside = tmp();
    symlinkSync(outside, join(vol, 'escape'));
    symlinkSync('/etc/hostname', join(vol, 'file-escape'));
    mkdirSync(join(vol, 'in'));
    symlinkSync('in', join(vol, 'inner-link'));
    expect(() => resolveSubPath(vol, { name: 'v', subPath: 'escape' }, 'c')).toThrow('failed to prepare subPath for volumeMount "v" of container "c"');
    expect(() => resolveSubPath(vol, { name: 'v', subPath: 'file-escape' }, 'c')).toThrow('failed to prepare subPath for volumeMount "v" of container "c"');
    expect(() => resolveSubPath(vol, { name: 'v', subPath: 'escape/new' }, 'c')).toThrow(SubPathError);
    expect(() => statSync(join(outside, 'new'))).toThrow();
    // A symlink that stays inside is fine; the mount source is the resolved path.
    expect(resolveSubPath(vol, { name: 'v', subPath: 'inner-link' }, 'c')).toBe(join(vol, 'in'));
  });

  it('subPathExpr expands $(VAR) from the container env; a missing variable fails', () => {
    const vol = tmp();
    const env = [{ name: 'POD_NAME', value: 'web-0' }, { name: 'EMPTY', value: '' }];
    expect(expandSubPathExpr('logs/$(POD_NAME)', env)).toBe('logs/web-0');
    expect(resolveSubPath(vol, { name: 'v', subPathExpr: '$(POD_NAME)' }, 'c', env)).toBe(join(vol, 'web-0'));
    expect(() => expandSubPathExpr('$(NOPE)/$(EMPTY)', env)).toThrow('missing value for EMPTY, NOPE');
    expect(() => resolveSubPath(vol, { name: 'v', subPathExpr: '$(POD_NAME)/../..' }, 'c', env)).toThrow("must not contain '..'");
  });
});
