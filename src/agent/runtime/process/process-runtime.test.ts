import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeConformance, sandboxConfig, containerConfig } from '../testing/conformance.js';
import { ProcessRuntime } from './process-runtime.js';
import { isSameLiveProcess } from './proc.js';

runtimeConformance('process', async (dir) => {
  const runtime = await ProcessRuntime.open({ dataDir: dir, nodeIP: '127.0.0.1', version: 'test', pollIntervalMs: 20 });
  return { runtime, cleanup: () => runtime.close() };
}, { runsPrograms: true });

describe('process runtime across agent restarts', () => {
  it('re-adopts a running process and reports one that ended meanwhile as ContainerStatusUnknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-rt-'));
    const first = await ProcessRuntime.open({ dataDir: dir, nodeIP: '127.0.0.1', version: 'test', pollIntervalMs: 20 });
    const sb = await first.runPodSandbox(sandboxConfig(dir));
    const keep = await first.createContainer(sb, containerConfig(dir, 'keep', ['sh', '-c', 'while true; do echo tick; sleep 0.05; done']), sandboxConfig(dir));
    const goneCfg = containerConfig(dir, 'gone', ['sh', '-c', 'sleep 0.3; echo last-words; sleep 30']);
    const gone = await first.createContainer(sb, goneCfg, sandboxConfig(dir));
    await first.startContainer(keep);
    await first.startContainer(gone);
    const gonePid = (await first.containerStatus(gone))!.pid!;
    await first.close();
    await new Promise((r) => setTimeout(r, 500));
    process.kill(-gonePid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));

    const second = await ProcessRuntime.open({ dataDir: dir, nodeIP: '127.0.0.1', version: 'test', pollIntervalMs: 20 });
    try {
      const k = await second.containerStatus(keep);
      expect(k?.state).toBe('running');
      expect(isSameLiveProcess(k!.pid!, undefined)).toBe(true);
      const g = await second.containerStatus(gone);
      expect([g?.state, g?.reason, g?.exitCode]).toEqual(['exited', 'ContainerStatusUnknown', 137]);
      // output written while no agent was running still reaches the log
      expect(readFileSync(goneCfg.logPath, 'utf8')).toContain('stdout F last-words');
      // an adopted container can still be stopped (its whole group)
      await second.stopContainer(keep, 1);
      expect((await second.containerStatus(keep))?.state).toBe('exited');
      expect(isSameLiveProcess(k!.pid!, undefined)).toBe(false);
      await second.removePodSandbox(sb);
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
