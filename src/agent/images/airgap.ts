// Air-gap images: at agent start every image tarball in `<data-dir>/agent/images` (docker-archive
// or OCI archive, `.tar`, `.tar.gz`/`.tgz`) is imported into containerd's `k8s.io` namespace,
// where the CRI plugin sees it — as k3s does. Imports go through `ctr images import` (unpacked
// for the default snapshotter). A small state file remembers each file's size and mtime and the
// images it held, so a restart skips tarballs already imported unchanged (unless one of their
// images has gone from containerd since).
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Logger } from '../../api/log.js';

export interface AirgapImportOptions {
  /** `<data-dir>/agent/images` */
  dir: string;
  /** containerd's socket: `unix:///…/containerd.sock` or a path. */
  endpoint: string;
  log: Logger;
  /** Where imports are remembered (default `<dir>.imported.json`, beside the directory). */
  stateFile?: string;
  /** The ctr binary (default `ctr`). */
  ctr?: string;
  /** Per-file time limit (default 10 min). */
  timeoutMs?: number;
}

interface Imported { size: number; mtimeMs: number; images: string[] }

const TARBALL = /\.(tar|tar\.gz|tgz)$/;

export function socketPath(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '');
}

/** Imports the tarballs; resolves with the image names imported this time. */
export async function importAirgapImages(opts: AirgapImportOptions): Promise<string[]> {
  const stateFile = opts.stateFile ?? `${opts.dir.replace(/\/+$/, '')}.imported.json`;
  let names: string[];
  try {
    names = (await readdir(opts.dir)).filter((n) => TARBALL.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const previous = await readState(stateFile);
  const next: Record<string, Imported> = {};
  const ctr = opts.ctr ?? 'ctr';
  const address = socketPath(opts.endpoint);
  let known: Set<string> | undefined;
  const imported: string[] = [];
  for (const name of names) {
    const file = join(opts.dir, name);
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) continue;
    const before = previous[name];
    if (before && before.size === st.size && before.mtimeMs === st.mtimeMs) {
      known ??= await listImages(ctr, address).catch(() => new Set<string>());
      if (before.images.every((i) => known!.has(i))) {
        next[name] = before;
        continue;
      }
    }
    const t0 = Date.now();
    try {
      const images = await ctrImport(ctr, address, file, opts.timeoutMs ?? 600_000);
      next[name] = { size: st.size, mtimeMs: st.mtimeMs, images };
      imported.push(...images);
      opts.log.info('imported air-gap images', { file, images: images.join(','), ms: Date.now() - t0 });
    } catch (e) {
      opts.log.error('could not import air-gap image tarball', { file, err: e });
    }
  }
  const tmp = `${stateFile}.tmp`;
  await writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
  await rename(tmp, stateFile);
  return imported;
}

async function readState(file: string): Promise<Record<string, Imported>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, Imported>;
  } catch {
    return {};
  }
}

function run(cmd: string, args: string[], input: NodeJS.ReadableStream | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    if (input) {
      input.on('error', (e) => { p.kill('SIGKILL'); reject(e); });
      p.stdin!.on('error', () => {});
      input.pipe(p.stdin!);
    }
    p.once('error', (e) => { clearTimeout(timer); reject(e); });
    p.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')}: ${signal ? `killed by ${signal}` : `exit ${code}`}: ${err.trim() || out.trim()}`));
    });
  });
}

async function ctrImport(ctr: string, address: string, file: string, timeoutMs: number): Promise<string[]> {
  const gz = /\.(tar\.gz|tgz)$/.test(file);
  const input = gz ? createReadStream(file).pipe(createGunzip()) : undefined;
  const out = await run(ctr, ['-a', address, '-n', 'k8s.io', 'images', 'import', gz ? '-' : file], input, timeoutMs);
  // ctr prints "unpacking <name> (sha256:…)...done" for each image it unpacked.
  return [...out.matchAll(/^unpacking (\S+) \(/gm)].map((m) => m[1]!);
}

async function listImages(ctr: string, address: string): Promise<Set<string>> {
  const out = await run(ctr, ['-a', address, '-n', 'k8s.io', 'images', 'ls', '-q'], undefined, 60_000);
  return new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
}
