// Runs the shared acceptance scenarios for the API (../shared/acceptance) with each kubectl we
// have: the machine's (1.32) and 1.33 from test/setup.sh. They start `bin/kites server` as a user
// would. Skipped when the shared folder is not beside the checkout.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { withHostNetworkLock } from './helpers/host-lock.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const acceptance = path.resolve(root, '../shared/acceptance');
const kubectls = [
  { name: 'kubectl on PATH', bin: 'kubectl' },
  { name: 'kubectl 1.33', bin: path.join(root, '.tools/v33/kubectl') },
].filter((k) => k.bin === 'kubectl' || fs.existsSync(k.bin));

const helm3 = path.join(root, '.tools/v32/helm');
const helm4 = path.join(root, '.tools/v33/helm');

function runScenario(files: string[], kubectl: string, o: { runner?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', [path.join(acceptance, o.runner ?? 'run-process.sh'), ...files.map((f) => path.join(acceptance, f))], {
      cwd: root, timeout: 1_200_000, maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, KUBECTL: kubectl, KITES_REPO: root, DATA: '', PORT: '', HELM3: helm3, HELM4: helm4, ...o.env },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }));
  });
}

/** Real containers need root, containerd, runc, the CNI plugins and a static busybox for the test image. */
function containersMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const bin of ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/bin/busybox']) if (!fs.existsSync(bin)) return `${bin} missing`;
  if (!fs.existsSync('/usr/lib/cni/bridge') && !fs.existsSync('/opt/cni/bin/bridge')) return 'CNI plugins missing';
  return undefined;
}

describe.skipIf(!fs.existsSync(acceptance))('acceptance scenarios', () => {
  for (const k of kubectls) {
    it(`scenarios/10-api.sh with ${k.name}`, async () => {
      // A user's cluster runs the service proxy (Service IPs on the host) and ingress on :80/:443:
      // one such cluster on the machine at a time.
      const { code, out } = await withHostNetworkLock(() => runScenario(['scenarios/10-api.sh'], k.bin));
      if (code !== 0) console.log(out);
      expect(out).toMatch(/\d+ passed, 0 failed/);
      expect(code).toBe(0);
    }, 660_000);
  }

  // Pods, workloads, CRDs, server-side apply and helm 3 and 4 on one cluster, as run-process.sh runs them.
  it.skipIf(!fs.existsSync(helm3) || !fs.existsSync(helm4))('scenarios 20, 25, 30 and 60 on the process runtime', async () => {
    const { code, out } = await withHostNetworkLock(() => runScenario(['scenarios/20-pods.sh', 'scenarios/25-process-http.sh', 'scenarios/30-workloads.sh', 'scenarios/60-crd-ssa-helm.sh'], 'kubectl'));
    if (code !== 0) console.log(out);
    expect(out).toMatch(/\d+ passed, 0 failed/);
    expect(code).toBe(0);
  }, 900_000);

  // Everything run-containers.sh runs by default (pods, workloads, containers, services) on
  // containerd, on one cluster; the containers the agent leaves running are stopped afterwards
  // with `kites killall`, as a user removing the node would.
  const missing = containersMissing();
  it.skipIf(missing !== undefined)(`run-containers.sh: scenarios 20, 30 and scenarios-containers on containerd${missing ? ` (skipped: ${missing})` : ''}`, async () => {
    // One containerd cluster on the machine at a time (cni0, 10.42.0.0/24, the cluster DNS address).
    await withHostNetworkLock(async () => {
      const data = fs.mkdtempSync('/tmp/kites-acc-ctr.');
      try {
        const { code, out } = await runScenario([], 'kubectl', { runner: 'run-containers.sh', env: { DATA: data, KITES_ARGS: '--lb-address-pool 127.240.0.0/24', CASE_TIMEOUT: '150' } });
        if (code !== 0) console.log(out);
        expect(out).toMatch(/\d+ passed, 0 failed/);
        expect(code).toBe(0);
      } finally {
        await new Promise((r) => execFile(process.execPath, [path.join(root, 'bin/kites'), 'killall', '--data-dir', data], { timeout: 60_000 }, r));
        fs.rmSync(data, { recursive: true, force: true });
      }
    });
  }, 2_400_000);
});
