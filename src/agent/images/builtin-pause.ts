// The pause image without a registry: the sandbox of every pod needs one, and kites must work
// offline (k3s ships its pause image in the air-gap bundle). When the configured pause image is
// kites' own (`kites.local/pause:*`) the agent builds it from the host's static busybox into the
// air-gap folder, where the normal import picks it up. Its process is what the real pause does:
// sit there, exit 0 on SIGTERM/SIGINT, and reap what it started.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const builtinPausePrefix = 'kites.local/pause:';
export const builtinPauseImage = `${builtinPausePrefix}3.10`;

const run = promisify(execFile);

/** A busybox that runs inside an empty image: statically linked (no program interpreter). */
export function findStaticBusybox(candidates = ['/bin/busybox', '/usr/bin/busybox', '/usr/local/bin/busybox']): string | undefined {
  for (const p of candidates) {
    try {
      const head = readFileSync(p).subarray(0, 4096);
      if (head.subarray(0, 4).toString('latin1') !== '\x7fELF') continue;
      if (!head.includes('/lib64/ld-linux') && !head.includes('/lib/ld-linux') && !head.includes('ld-musl')) return p;
    } catch {
      // not there
    }
  }
  return undefined;
}

const pauseScript = "trap 'exit 0' TERM INT; while :; do sleep 2147483647 & wait $!; done";

/**
 * Writes `<imagesDir>/kites-pause-<tag>.tar` (docker-archive) for `ref` unless it is already
 * there; returns its path. Throws with what to install when there is no static busybox.
 */
export async function ensureBuiltinPauseTarball(imagesDir: string, ref: string, busybox = findStaticBusybox()): Promise<string> {
  const file = join(imagesDir, `kites-pause-${ref.slice(builtinPausePrefix.length).replace(/[^A-Za-z0-9._-]/g, '_')}.tar`);
  if (existsSync(file)) return file;
  if (!busybox) {
    throw new Error(`no static busybox to build the pause image ${ref} from: install busybox-static, or pass --pause-image with an image you provide (a tarball in ${imagesDir} is imported at start)`);
  }
  const work = mkdtempSync(join(tmpdir(), 'kites-pause-'));
  try {
    const rootfs = join(work, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'sleep']) symlinkSync('busybox', join(rootfs, 'bin', applet));
    const out = join(work, 'out');
    mkdirSync(out);
    await run('tar', ['-cf', join(out, 'layer.tar'), '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', rootfs, 'bin']);
    const layerDigest = createHash('sha256').update(readFileSync(join(out, 'layer.tar'))).digest('hex');
    const config = JSON.stringify({
      architecture: process.arch === 'arm64' ? 'arm64' : 'amd64', os: 'linux', created: '1970-01-01T00:00:00Z',
      config: { Entrypoint: ['/bin/sh', '-c', pauseScript], Env: ['PATH=/bin'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    });
    const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
    writeFileSync(join(out, configName), config);
    writeFileSync(join(out, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [ref], Layers: ['layer.tar'] }]));
    mkdirSync(imagesDir, { recursive: true });
    const tmp = `${file}.tmp`;
    await run('tar', ['-cf', tmp, '-C', out, 'manifest.json', configName, 'layer.tar']);
    renameSync(tmp, file);
    return file;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
