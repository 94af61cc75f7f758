// The `kites` command as a user runs it: help, version, server start-up, the data dir lock, SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuntime } from '../../src/server/options.js';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kubectlPaths, repoRoot, runKites, spawnServer, startTestCluster, waitForExit, type TestCluster } from './helpers/cluster.js';

const pkgVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The cases that need a serving API wait for the real ApiServer to replace the placeholder. Checked
 * on the compiled copy, since that is what bin/kites runs.
 */
const apiReady = await import(pathToFileURL(join(repoRoot, 'dist', 'apiserver', 'server.js')).href)
  .then((m: { ApiServer: { prototype: { listen: unknown } } }) => !String(m.ApiServer.prototype.listen).includes('not implemented'))
  .catch(() => false);

describe('kites command', () => {
  it('--help lists server and agent', async () => {
    const r = await runKites(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: kites');
    expect(r.stdout).toMatch(/server \[options\]/);
    expect(r.stdout).toMatch(/agent \[options\]/);
  });

  it('--version prints the package.json version', async () => {
    const r = await runKites(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`kites version v${pkgVersion}`);
  });

  it('server --help shows the k3s flags the acceptance scripts use', async () => {
    const r = await runKites(['server', '--help']);
    expect(r.code).toBe(0);
    for (const f of ['--data-dir', '--https-listen-port', '--write-kubeconfig', '--runtime', '--pause-image', '--lb-address-pool']) expect(r.stdout).toContain(f);
  });

  it('agent fails with a clear message when the server cannot be reached', async () => {
    const r = await runKites(['agent', '--server', 'https://127.0.0.1:1', '--token', 't', '--data-dir', `${process.env.TMPDIR ?? '/tmp'}/kites-agent-unreachable-${process.pid}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kites: agent failed:');
  });

  it('an unknown flag is a usage error, not a crash', async () => {
    const r = await runKites(['server', '--no-such-flag']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
  });
});

describe.skipIf(!apiReady)('kites server', () => {
  let cluster: TestCluster;
  let startMs = 0;
  beforeAll(async () => {
    const t = Date.now();
    cluster = await startTestCluster({ args: ['--runtime', 'process'] });
    startMs = Date.now() - t;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('writes a private kubeconfig that kubectl uses, once /readyz is ok', async () => {
    expect(statSync(cluster.kubeconfig).mode & 0o777).toBe(0o600);
    const r = await cluster.kubectl(['get', '--raw', '/readyz']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
    expect(cluster.output()).toContain(`kites: API server listening on https://127.0.0.1:${cluster.port}`);
    expect(cluster.output()).toContain(`kites: export KUBECONFIG=${cluster.kubeconfig} ; kubectl get nodes`);
    // Start-up time from spawn to ready, for the record (the server prints its own figure too).
    console.log(`kites server ready ${startMs} ms after spawn; ${/ready in (\d+) ms/.exec(cluster.output())?.[0] ?? ''}`);
  });

  it('helm 3 and helm 4 reach it through the kubeconfig', async () => {
    for (const helm of [kubectlPaths.helm3, kubectlPaths.helm4].filter((p) => existsSync(p))) {
      const r = await cluster.helm(['list', '--all-namespaces'], { kubectlPath: helm });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('NAME');
    }
  });

  it('a second server on the same data dir refuses, naming the first', async () => {
    const second = spawnServer(['--data-dir', cluster.dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1']);
    const code = await waitForExit(second.process);
    expect(code).toBe(1);
    expect(second.output()).toContain(`kites: another kites server (pid ${cluster.process.pid}) is using data dir ${cluster.dataDir}`);
    // The first one is unharmed.
    expect((await cluster.get('/readyz')).body).toBe('ok');
  });

  it('stops cleanly on SIGTERM with exit code 0, and restarts on the same data dir', async () => {
    const dataDir = cluster.dataDir;
    const code = await cluster.stop({ keepDataDir: true });
    expect(code).toBe(0);
    expect(cluster.output()).toContain('kites: stopped');
    const again = await startTestCluster({ dataDir });
    try {
      expect((await again.get('/readyz')).body).toBe('ok');
    } finally {
      expect(await again.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('kites server without an API', () => {
  it('exits at once with a message when the data dir is unusable', async () => {
    const s = spawnServer(['--data-dir', '/dev/null/kites', '--https-listen-port', '0']);
    const code = await waitForExit(s.process);
    expect(code).toBe(1);
    expect(s.output()).toContain('kites: server failed to start:');
  });
});

// containerd is the default only as a convenience: when it cannot start, the server still
// brings up a working node on the process runtime (an explicit --runtime containerd would fail).
describe.skipIf(defaultRuntime() !== 'containerd')('kites server falls back from a default containerd', () => {
  it('runs pods as processes when containerd cannot be reached, and says so', async () => {
    const cluster = await startTestCluster({ defaultRuntime: true, args: ['--container-runtime-endpoint', '/nonexistent/kites-cri.sock'] });
    try {
      expect(cluster.output()).toContain('using the process runtime');
      const nodes = await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.annotations.kites\\.io/runtime}']);
      expect(nodes.stdout).toBe('process');
    } finally {
      await cluster.stop();
    }
  }, 60_000);
});
