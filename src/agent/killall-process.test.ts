import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopProcessRuntimeContainers } from './killall-process.js';
import { RecordStore } from './runtime/process/records.js';
import { isSameLiveProcess, readProcStat } from './runtime/process/proc.js';

describe('stopProcessRuntimeContainers', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('kills the process group of each recorded live container, and nothing whose start time differs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kites-killall-proc-'));
    dirs.push(dataDir);
    // A container as the process runtime starts one: detached (own group), with a child.
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const store = new RecordStore(join(dataDir, 'agent', 'process'));
      const rec = (id: string, pid: number, pidStartTime: string | undefined) => store.saveContainer({
        id, sandboxId: 's', config: { metadata: { name: id } } as never, createdAt: 0, state: 'running', pid, pidStartTime, offsets: { stdout: 0, stderr: 0 },
      });
      rec('a', child.pid!, readProcStat(child.pid!)!.startTime);
      rec('b', other.pid!, 'not-its-start-time'); // a reused pid: not ours
      expect(await stopProcessRuntimeContainers(dataDir)).toBe(1);
      expect(isSameLiveProcess(child.pid!, undefined)).toBe(false);
      expect(isSameLiveProcess(other.pid!, undefined)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      other.kill('SIGKILL');
    }
  });

  it('does nothing for a data dir without process-runtime records', async () => {
    expect(await stopProcessRuntimeContainers(join(tmpdir(), 'kites-no-such-dir'))).toBe(0);
  });
});
