import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPathType } from './host-path.js';
import { VolumeError } from './payload.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'kites-hp-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('hostPath types', () => {
  it('DirectoryOrCreate creates a 0755 directory and refuses a file', () => {
    const d = tmp();
    checkHostPathType(join(d, 'x/y'), 'DirectoryOrCreate');
    expect(statSync(join(d, 'x/y')).isDirectory()).toBe(true);
    expect(statSync(join(d, 'x/y')).mode & 0o777).toBe(0o755);
    writeFileSync(join(d, 'f'), '');
    expect(() => checkHostPathType(join(d, 'f'), 'DirectoryOrCreate')).toThrow(`hostPath type check failed: ${join(d, 'f')} is not a directory, it's a File`);
  });

  it('Directory and File only check', () => {
    const d = tmp();
    expect(() => checkHostPathType(join(d, 'missing'), 'Directory')).toThrow(`hostPath ${join(d, 'missing')} doesn't exist`);
    expect(() => checkHostPathType(d, 'File')).toThrow(`hostPath type check failed: ${d} is not a file, it's a Directory`);
    writeFileSync(join(d, 'f'), '');
    expect(() => checkHostPathType(join(d, 'f'), 'File')).not.toThrow();
    expect(() => checkHostPathType(d, 'Directory')).not.toThrow();
  });

  it('FileOrCreate creates an empty 0644 file only when the parent exists', () => {
    const d = tmp();
    checkHostPathType(join(d, 'new.txt'), 'FileOrCreate');
    expect(statSync(join(d, 'new.txt')).isFile()).toBe(true);
    expect(statSync(join(d, 'new.txt')).mode & 0o777).toBe(0o644);
    expect(() => checkHostPathType(join(d, 'nope/new.txt'), 'FileOrCreate')).toThrow(VolumeError);
    expect(() => checkHostPathType(join(d, 'nope/new.txt'), 'FileOrCreate')).toThrow(`open ${join(d, 'nope/new.txt')}: no such file or directory`);
    mkdirSync(join(d, 'dir'));
    expect(() => checkHostPathType(join(d, 'dir'), 'FileOrCreate')).toThrow("is not a file, it's a Directory");
  });

  it('Socket, CharDevice, BlockDevice, "" and invalid types', async () => {
    const d = tmp();
    const sock = join(d, 's.sock');
    const srv = createServer();
    await new Promise<void>((res) => srv.listen(sock, res));
    try {
      expect(() => checkHostPathType(sock, 'Socket')).not.toThrow();
      expect(() => checkHostPathType(d, 'Socket')).toThrow(`hostPath type check failed: ${d} is not a socket file, it's a Directory`);
    } finally {
      await new Promise((res) => srv.close(res));
    }
    expect(() => checkHostPathType('/dev/null', 'CharDevice')).not.toThrow();
    expect(() => checkHostPathType('/dev/null', 'BlockDevice')).toThrow("hostPath type check failed: /dev/null is not a block device, it's a CharDevice");
    expect(() => checkHostPathType(join(d, 'whatever'), '')).not.toThrow();
    expect(() => checkHostPathType(join(d, 'whatever'), undefined)).not.toThrow();
    expect(() => checkHostPathType(d, 'Weird')).toThrow('Weird is an invalid volume type');
  });
});
