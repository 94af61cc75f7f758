import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../api/log.js';
import { defaultSqlitePath, openStore } from './open.js';
import { SqliteStore } from './backends/sqlite/index.js';
import { MemoryStore } from './backends/memory/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-open-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('defaults to SQLite under <dataDir>/server/db/state.db, creating directories', async () => {
    const dataDir = path.join(dir, 'data');
    const store = await openStore({ dataDir, log: silentLogger });
    expect(store).toBeInstanceOf(SqliteStore);
    await store.create('/a', new Uint8Array([1]));
    await store.close();
    expect(fs.existsSync(path.join(dataDir, 'server', 'db', 'state.db'))).toBe(true);
    expect(defaultSqlitePath(dataDir)).toBe(path.join(dataDir, 'server', 'db', 'state.db'));
  });

  it('opens sqlite:///abs/path and memory://', async () => {
    const file = path.join(dir, 'other', 'x.db');
    const s = await openStore({ endpoint: `sqlite://${file}`, dataDir: dir, log: silentLogger });
    expect(s).toBeInstanceOf(SqliteStore);
    await s.close();
    expect(fs.existsSync(file)).toBe(true);
    const m = await openStore({ endpoint: 'memory://', dataDir: dir, log: silentLogger });
    expect(m).toBeInstanceOf(MemoryStore);
    await m.close();
  });

  it('refuses etcd and unknown endpoints with a clear message', async () => {
    await expect(openStore({ endpoint: 'http://127.0.0.1:2379', dataDir: dir, log: silentLogger })).rejects.toThrow(/etcd support is not implemented yet/);
    await expect(openStore({ endpoint: 'postgres://x', dataDir: dir, log: silentLogger })).rejects.toThrow(/not supported/);
    await expect(openStore({ endpoint: 'sqlite://relative.db', dataDir: dir, log: silentLogger })).rejects.toThrow(/must be absolute/);
  });
});
