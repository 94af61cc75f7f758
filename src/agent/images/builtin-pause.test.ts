import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuiltinPauseTarball, findStaticBusybox } from './builtin-pause.js';

const busybox = findStaticBusybox();

describe('builtin pause image', () => {
  it('refuses a dynamically linked busybox-like binary', () => {
    expect(findStaticBusybox([process.execPath])).toBeUndefined();
  });

  it('says what to install when there is no static busybox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-pause-test-'));
    try {
      await expect(ensureBuiltinPauseTarball(dir, 'kites.local/pause:9', '')).rejects.toThrow(/busybox-static.*--pause-image/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!busybox)('writes a docker-archive with the reference, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-pause-test-'));
    try {
      const file = await ensureBuiltinPauseTarball(dir, 'kites.local/pause:3.10', busybox);
      expect(file).toBe(join(dir, 'kites-pause-3.10.tar'));
      const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
      expect(names).toContain('manifest.json');
      expect(names).toContain('layer.tar');
      const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as Array<{ RepoTags: string[]; Config: string }>;
      expect(manifest[0]!.RepoTags).toEqual(['kites.local/pause:3.10']);
      const config = JSON.parse(execFileSync('tar', ['-xOf', file, manifest[0]!.Config], { encoding: 'utf8' })) as { config: { Entrypoint: string[] } };
      expect(config.config.Entrypoint.join(' ')).toMatch(/trap 'exit 0' TERM INT/);
      const mtime = statSync(file).mtimeMs;
      await ensureBuiltinPauseTarball(dir, 'kites.local/pause:3.10', busybox);
      expect(statSync(file).mtimeMs).toBe(mtime);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
