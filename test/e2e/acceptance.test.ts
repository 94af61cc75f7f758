// Runs the shared acceptance scenarios for the API (../shared/acceptance) with each kubectl we
// have: the machine's (1.32) and 1.33 from test/setup.sh. They start `bin/kites server` as a user
// would. Skipped when the shared folder is not beside the checkout.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const acceptance = path.resolve(root, '../shared/acceptance');
const kubectls = [
  { name: 'kubectl on PATH', bin: 'kubectl' },
  { name: 'kubectl 1.33', bin: path.join(root, '.tools/v33/kubectl') },
].filter((k) => k.bin === 'kubectl' || fs.existsSync(k.bin));

const helm3 = path.join(root, '.tools/v32/helm');
const helm4 = path.join(root, '.tools/v33/helm');

function runScenario(files: string[], kubectl: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', [path.join(acceptance, 'run-process.sh'), ...files.map((f) => path.join(acceptance, f))], {
      cwd: root, timeout: 900_000, maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, KUBECTL: kubectl, KITES_REPO: root, DATA: '', PORT: '', HELM3: helm3, HELM4: helm4 },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }));
  });
}

describe.skipIf(!fs.existsSync(acceptance))('acceptance scenarios', () => {
  for (const k of kubectls) {
    it(`scenarios/10-api.sh with ${k.name}`, async () => {
      const { code, out } = await runScenario(['scenarios/10-api.sh'], k.bin);
      if (code !== 0) console.log(out);
      expect(out).toMatch(/\d+ passed, 0 failed/);
      expect(code).toBe(0);
    }, 660_000);
  }

  // Pods, workloads, CRDs, server-side apply and helm 3 and 4 on one cluster, as run-process.sh runs them.
  it.skipIf(!fs.existsSync(helm3) || !fs.existsSync(helm4))('scenarios 20, 25, 30 and 60 on the process runtime', async () => {
    const { code, out } = await runScenario(['scenarios/20-pods.sh', 'scenarios/25-process-http.sh', 'scenarios/30-workloads.sh', 'scenarios/60-crd-ssa-helm.sh'], 'kubectl');
    if (code !== 0) console.log(out);
    expect(out).toMatch(/\d+ passed, 0 failed/);
    expect(code).toBe(0);
  }, 900_000);
});
