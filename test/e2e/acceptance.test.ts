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

function runScenario(file: string, kubectl: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', [path.join(acceptance, 'run-process.sh'), path.join(acceptance, file)], {
      cwd: root, timeout: 600_000, maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, KUBECTL: kubectl, KITES_REPO: root, DATA: '', PORT: '' },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }));
  });
}

describe.skipIf(!fs.existsSync(acceptance))('acceptance scenarios', () => {
  for (const k of kubectls) {
    it(`scenarios/10-api.sh with ${k.name}`, async () => {
      const { code, out } = await runScenario('scenarios/10-api.sh', k.bin);
      if (code !== 0) console.log(out);
      expect(out).toMatch(/\d+ passed, 0 failed/);
      expect(code).toBe(0);
    }, 660_000);
  }
});
