// A local OCI registry for e2e tests: Debian's `docker-registry` (distribution 2.8) on
// 127.0.0.1:<free port>, storage in a temporary dir, optionally with htpasswd (bcrypt) auth;
// images are pushed into it with skopeo from docker-archive tarballs.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { terminate } from './cluster.js';

export const registryBin = '/usr/bin/docker-registry';
export const skopeoBin = '/usr/bin/skopeo';

export interface LocalRegistry {
  /** 127.0.0.1:PORT */
  host: string;
  port: number;
  /** Copies a docker-archive tarball to `host/repo:tag`. */
  push(archive: string, repoAndTag: string): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

import { freePort } from './net-probes.js';

export { freePort };

export interface RegistryAuth { username: string; password: string }


/** A bcrypt hash of `password` (docker-registry's htpasswd accepts bcrypt only), or undefined if nothing here makes one. */
export async function bcryptHash(password: string): Promise<string | undefined> {
  // Python's crypt module (glibc's libxcrypt) makes $2b$ hashes; `htpasswd -B` where apache2-utils is installed.
  const py = await exec('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password]).catch(() => undefined);
  if (py && /^\$2[aby]\$/.test(py.trim())) return py.trim();
  const ht = await exec('htpasswd', ['-nbB', 'u', password]).catch(() => undefined);
  const hash = ht?.trim().split(':')[1];
  return hash && /^\$2[aby]\$/.test(hash) ? hash : undefined;
}

export async function startRegistry(opts: { auth?: RegistryAuth } = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'kites-registry-'));
  const port = await freePort();
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn' },
    storage: { filesystem: { rootdirectory: join(dir, 'store') } },
    http: { addr: `127.0.0.1:${port}`, secret: 'kites-e2e' },
  };
  if (opts.auth) {
    const hash = await bcryptHash(opts.auth.password);
    if (!hash) throw new Error('cannot make a bcrypt hash for htpasswd (no python3 crypt, no htpasswd)');
    writeFileSync(join(dir, 'htpasswd'), `${opts.auth.username}:${hash}\n`);
    config.auth = { htpasswd: { realm: 'kites-e2e', path: join(dir, 'htpasswd') } };
  }
  writeFileSync(join(dir, 'config.yml'), stringify(config));
  const child: ChildProcess = spawn(registryBin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (c: Buffer) => { out = (out + c.toString('utf8')).slice(-200_000); };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await terminate(child, 5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not listen on 127.0.0.1:${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const host = `127.0.0.1:${port}`;
  return {
    host, port, output: () => out, stop,
    async push(archive, repoAndTag) {
      const creds = opts.auth ? ['--dest-creds', `${opts.auth.username}:${opts.auth.password}`] : [];
      await exec(skopeoBin, ['copy', '--dest-tls-verify=false', ...creds, `docker-archive:${archive}`, `docker://${host}/${repoAndTag}`], 60_000);
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function exec(cmd: string, args: string[], timeout = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

export const registryAvailable = (): boolean => existsSync(registryBin) && existsSync(skopeoBin);
