import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, dataDirLayout, DataDirLockedError, defaultDataDir, prepareDataDir } from './data-dir.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'kites-dd-'));

describe('defaultDataDir', () => {
  it('is /var/lib/kites for root and ~/.kites otherwise', () => {
    expect(defaultDataDir({ uid: 0 })).toBe('/var/lib/kites');
    expect(defaultDataDir({ uid: 1000, home: '/home/ann' })).toBe('/home/ann/.kites');
  });
});

describe('data dir lock', () => {
  it('creates the layout with a private server folder', () => {
    const dir = tempDir();
    try {
      const layout = dataDirLayout(dir);
      prepareDataDir(layout);
      prepareDataDir(layout);
      for (const d of [layout.serverDir, layout.tlsDir, layout.dbDir, layout.agentDir]) expect(existsSync(d)).toBe(true);
      expect(statSync(layout.tlsDir).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second holder in the same process, naming the pid, and frees on release', () => {
    const dir = tempDir();
    try {
      const layout = dataDirLayout(dir);
      prepareDataDir(layout);
      const lock = acquireDataDirLock(layout);
      expect(readFileSync(layout.pidFile, 'utf8').trim()).toBe(String(process.pid));
      let err: unknown;
      try { acquireDataDirLock(layout); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect((err as Error).message).toBe(`another kites server (pid ${process.pid}) is using data dir ${layout.root}`);
      lock.release();
      lock.release();
      expect(existsSync(layout.pidFile)).toBe(false);
      acquireDataDirLock(layout).release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is free again after the holder is killed with SIGKILL (no stale lock)', async () => {
    const dir = tempDir();
    try {
      const layout = dataDirLayout(dir);
      prepareDataDir(layout);
      // A child process takes the lock the same way (an exclusive SQLite transaction) and is killed.
      const script = `const D=require('better-sqlite3');const db=new D(${JSON.stringify(layout.lockFile)},{timeout:0});db.exec('BEGIN EXCLUSIVE');require('fs').writeFileSync(${JSON.stringify(layout.pidFile)},process.pid+'\\n');console.log('held');setInterval(()=>{},1000);`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('child did not take the lock')), 10_000);
          child.stdout!.on('data', () => { clearTimeout(t); resolve(); });
        });
        expect(() => acquireDataDirLock(layout)).toThrow(`another kites server (pid ${child.pid})`);
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      const lock = acquireDataDirLock(layout);
      expect(readFileSync(layout.pidFile, 'utf8').trim()).toBe(String(process.pid));
      lock.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
