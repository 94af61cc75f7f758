// The data directory: where one kites server keeps its state (like k3s's /var/lib/rancher/k3s).
//
//   <data-dir>/
//     token                  the join token (agents present it; k3s keeps it in server/token)
//     kubeconfig.yaml        the admin kubeconfig (default --write-kubeconfig)
//     server/
//       kites.lock           held exclusively while a server runs (see acquireDataDirLock)
//       kites.pid            the pid of the server holding the lock, for the refusal message
//       tls/                 cluster CAs, serving and admin certificates (see pki.ts)
//       db/                  the embedded store (SQLite), unless --datastore-endpoint says otherwise
//     agent/                 node agent state (images/, pods/ …), used by the agent
import { mkdirSync, readFileSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface DataDirLayout {
  root: string;
  token: string;
  kubeconfig: string;
  serverDir: string;
  lockFile: string;
  pidFile: string;
  tlsDir: string;
  dbDir: string;
  agentDir: string;
}

/** `/var/lib/kites` for root (a system service), `~/.kites` otherwise, as k3s does with its paths. */
export function defaultDataDir(env: { uid?: number; home?: string } = {}): string {
  const uid = env.uid ?? (typeof process.getuid === 'function' ? process.getuid() : -1);
  return uid === 0 ? '/var/lib/kites' : join(env.home ?? homedir(), '.kites');
}

export function dataDirLayout(dir: string): DataDirLayout {
  const root = resolve(dir);
  const serverDir = join(root, 'server');
  return {
    root,
    token: join(root, 'token'),
    kubeconfig: join(root, 'kubeconfig.yaml'),
    serverDir,
    lockFile: join(serverDir, 'kites.lock'),
    pidFile: join(serverDir, 'kites.pid'),
    tlsDir: join(serverDir, 'tls'),
    dbDir: join(serverDir, 'db'),
    agentDir: join(root, 'agent'),
  };
}

/** Creates the directories (idempotent). State holds keys, so the server part is private (0700). */
export function prepareDataDir(layout: DataDirLayout): void {
  mkdirSync(layout.root, { recursive: true });
  for (const d of [layout.serverDir, layout.tlsDir, layout.dbDir]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(d, 0o700);
  }
  mkdirSync(layout.agentDir, { recursive: true });
}

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly pid: number | undefined) {
    super(`another kites server${pid !== undefined ? ` (pid ${pid})` : ''} is using data dir ${dataDir}`);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  /** Releases the lock and removes the pid file; idempotent. */
  release(): void;
}

/**
 * Takes the data dir's exclusive lock, or throws DataDirLockedError.
 *
 * The lock is an exclusive SQLite transaction held open on `server/kites.lock`: SQLite takes a POSIX
 * advisory lock on the file, which the kernel drops when the process dies (also on kill -9), so a
 * crash never leaves a stale lock behind, and pid reuse (a restarted container where kites gets the
 * same pid again) cannot fool it. SQLite also refuses a second connection inside the same process,
 * so two in-process servers in tests conflict as well. A pid file beside it only names the holder.
 */
export function acquireDataDirLock(layout: DataDirLayout): DataDirLock {
  const db = new Database(layout.lockFile, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DataDirLockedError(layout.root, readPid(layout.pidFile));
    }
    throw err;
  }
  writeFileSync(layout.pidFile, `${process.pid}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      // Remove the pid file first, while we still hold the lock, so it never names a stranger.
      if (readPid(layout.pidFile) === process.pid) rmSync(layout.pidFile, { force: true });
      db.close();
    },
  };
}

function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
