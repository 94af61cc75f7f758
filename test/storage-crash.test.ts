// An acknowledged write survives kill -9: a child process writes to a SQLite store and prints
// each acknowledged revision; we SIGKILL it mid-stream, reopen the file, and check that every
// acknowledged write is there, that revisions continue above them, and that a watch from a
// revision before the crash replays everything after it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/storage/backends/sqlite/index.js';
import { dec, enc, record, waitFor } from '../src/storage/testing/helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Ack { op: 'create' | 'update'; revision: number; key: string; value: string }

describe('SQLite store crash safety', () => {
  it('keeps every acknowledged write across kill -9', async () => {
    const file = path.join(dir, 'state.db');
    const child = spawn(process.execPath, [
      '--import', path.join(root, 'src/storage/testing/ts-register.mjs'),
      path.join(root, 'src/storage/testing/crash-writer.ts'), file,
    ], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const acks: Ack[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [tag, op, rev, key, value] = line.split(' ');
        if (tag === 'ack') acks.push({ op: op as Ack['op'], revision: Number(rev), key, value });
      }
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await waitFor(() => acks.length >= 200 || child.exitCode !== null, 'the writer to acknowledge 200 writes', 20_000)
      .catch((err: Error) => { throw new Error(`${err.message}; writer stderr: ${stderr}`); });
    expect(child.exitCode, stderr).toBeNull();
    const preCrash = acks[50].revision;
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');

    const store = new SqliteStore({ path: file, compaction: false, watch: { ringSize: 16, batchSize: 64 } });
    try {
      const head = await store.currentRevision();
      const maxAck = Math.max(...acks.map((a) => a.revision));
      expect(head).toBeGreaterThanOrEqual(maxAck);
      // Every acknowledged write is readable at its revision.
      for (const ack of acks) {
        const res = await store.list(ack.key, { revision: ack.revision });
        const kv = res.items.find((x) => x.key === ack.key);
        expect(kv && `${kv.modRevision} ${dec(kv.value)}`, `${ack.op} ${ack.key}`).toBe(`${ack.revision} ${ack.value}`);
      }
      // A watch from before the crash replays every later write, densely and in order.
      const w = record(store, '/crash/', preCrash);
      const evs = await w.waitEvents(head - preCrash, 10_000);
      expect(evs.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: head - preCrash }, (_, i) => preCrash + 1 + i));
      const seen = new Set(evs.map((e) => e.kv.modRevision));
      for (const ack of acks) if (ack.revision > preCrash) expect(seen.has(ack.revision)).toBe(true);
      // New writes continue above everything written before the crash, and reach the watch live.
      const next = await store.create('/crash/after', enc('after'));
      expect(next).toBeGreaterThan(head);
      const [last] = (await w.waitEvents(head - preCrash + 1)).slice(-1);
      expect(last.kv.key).toBe('/crash/after');
      w.watcher.close();
    } finally {
      await store.close();
    }
  });
});
