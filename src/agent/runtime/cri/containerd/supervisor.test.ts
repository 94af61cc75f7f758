import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../../api/log.js';
import { startContainerd, waitForSocket, type ContainerdSupervisor } from './supervisor.js';
import { containerdPaths } from './config.js';
import { prepareContainerd } from './node-runtime.js';

// A stand-in for containerd: serves its config's grpc address until SIGTERM.
const fake = (node: string) => `#!${node}
const fs = require('node:fs'), net = require('node:net');
const cfg = fs.readFileSync(process.argv[process.argv.indexOf('--config') + 1], 'utf8');
const addr = JSON.parse(cfg.match(/\\[grpc\\]\\n  address = (".*")/)[1]);
try { fs.unlinkSync(addr); } catch {}
net.createServer((s) => s.end()).listen(addr);
process.on('SIGTERM', () => process.exit(0));
`;

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
async function until(f: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('containerd supervisor (with a stand-in binary)', () => {
  let dir: string;
  let binary: string;
  let sup: ContainerdSupervisor | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kites-ctd-'));
    binary = join(dir, 'fake-containerd');
    await writeFile(binary, fake(process.execPath));
    await chmod(binary, 0o755);
  });
  afterEach(async () => {
    await sup?.stop();
    sup = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = (extra: Record<string, unknown> = {}) => startContainerd({ dataDir: join(dir, 'data'), pauseImage: 'registry.k8s.io/pause:3.9', cniBinDir: '/usr/lib/cni', cniConfDir: join(dir, 'cni'), log: silentLogger, binary, restartBackoff: { baseMs: 50, maxMs: 200 }, startTimeoutMs: 5000, ...extra });

  it('writes the config, waits for the socket, restarts a killed process and stops it', async () => {
    await writeFile(join(dir, 'registries.yaml'), 'mirrors:\n  docker.io:\n    endpoint: ["http://127.0.0.1:5000"]\n');
    sup = await start({ privateRegistry: join(dir, 'registries.yaml') });
    const paths = containerdPaths(join(dir, 'data'));
    expect(sup.endpoint).toBe(paths.socket);
    expect(await readFile(paths.config, 'utf8')).toContain('registry.mirrors."docker.io"]');
    const pid1 = sup.pid()!;
    expect(Number(await readFile(paths.pidFile, 'utf8'))).toBe(pid1);
    process.kill(pid1, 'SIGKILL');
    await until(() => sup!.restarts() === 1 && sup!.pid() !== undefined && sup!.pid() !== pid1);
    await waitForSocket(paths.socket, 5000);
    const pid2 = sup.pid()!;
    await sup.stop();
    sup = undefined;
    expect(alive(pid2)).toBe(false);
    await expect(readFile(paths.pidFile, 'utf8')).rejects.toThrow();
  });

  it('replaces a containerd left running by a previous agent', async () => {
    sup = await start();
    const paths = containerdPaths(join(dir, 'data'));
    // Simulate an agent that died: its containerd keeps running, the pid file stays.
    const orphan = spawn(binary, ['--config', paths.config], { stdio: 'ignore', detached: true });
    await sup.stop();
    await writeFile(paths.pidFile, `${orphan.pid}\n`);
    await waitForSocket(paths.socket, 5000);
    sup = await start();
    expect(alive(orphan.pid!)).toBe(false);
    expect(sup.pid()).not.toBe(orphan.pid);
  });

  it('fails when the binary never serves', async () => {
    await expect(start({ binary: '/bin/false', startTimeoutMs: 500 })).rejects.toThrow(/containerd did not come up/);
  });

  it('reads no mirrors from a missing registries.yaml', async () => {
    sup = await start({ privateRegistry: join(dir, 'nope.yaml') });
    expect(await readFile(containerdPaths(join(dir, 'data')).config, 'utf8')).not.toContain('registry.mirrors');
  });

  it('prepares the node runtime: an external endpoint as given, or a supervised containerd', async () => {
    const ext = await prepareContainerd({ dataDir: join(dir, 'x'), containerRuntimeEndpoint: 'unix:///run/other/containerd.sock', cniBinDir: '/usr/lib/cni', cniConfDir: join(dir, 'cni'), log: silentLogger });
    expect(ext).toMatchObject({ endpoint: '/run/other/containerd.sock', importedImages: [] });
    expect(ext.supervisor).toBeUndefined();
    const node = await prepareContainerd({ dataDir: join(dir, 'data'), cniBinDir: '/usr/lib/cni', cniConfDir: join(dir, 'cni'), log: silentLogger, binary });
    sup = node.supervisor;
    expect(node.endpoint).toBe(containerdPaths(join(dir, 'data')).socket);
    expect(await readFile(containerdPaths(join(dir, 'data')).config, 'utf8')).toContain('sandbox_image = "registry.k8s.io/pause:3.10"');
  });
});
