// Helm 3 and helm 4 against `bin/kites server` with a chart written the way community charts are
// (test/fixtures/charts/webstack: _helpers.tpl, nested values, a CRD, hooks and many kinds):
// install --wait (a pre-install Job hook that must complete and be deleted by its policy),
// helm test, upgrade --wait with new values, history, rollback --wait, uninstall --wait.
// Containers run on the process runtime (host processes; images are ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlPaths, repoRoot, startTestCluster, type CommandResult, type TestCluster } from './helpers/cluster.js';

const chart = join(repoRoot, 'test', 'fixtures', 'charts', 'webstack');
const helms = [
  { name: 'helm 3', bin: kubectlPaths.helm3, release: 'web3', ns: 'helm3-webstack' },
  { name: 'helm 4', bin: kubectlPaths.helm4, release: 'web4', ns: 'helm4-webstack' },
];
const anyHelm = helms.some((h) => existsSync(h.bin));
// helm upgrade once failed with EOF when a keep-alive connection was reused after a response
// over 16 KiB (see the write-buffer note in src/apiserver/server.ts); it runs every time now.
const upgradeWorks = true;

/** Every namespaced kind the chart renders (besides pods), as `kubectl get` names them. */
const releaseKinds = 'deploy,sts,ds,rs,svc,cm,secret,sa,role,rolebinding,pdb,hpa,ingress,networkpolicy,cronjob,job,widgets';

let c: TestCluster;
beforeAll(async () => { if (anyHelm) c = await startTestCluster(); }, 60_000);
afterAll(async () => { await c?.stop(); });

function ok(r: CommandResult, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Polls `probe` until it returns true (or throws after `timeoutMs` with the last value seen). */
async function eventually(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

for (const h of helms) {
  describe.skipIf(!existsSync(h.bin)).sequential(`${h.name}: webstack chart end to end`, () => {
    const { release: r, ns } = h;
    const fullname = `${r}-webstack`;
    const helm = (args: string[]) => c.helm([...args, '-n', ns], { kubectlPath: h.bin, timeoutMs: 150_000 });
    const k = (args: string[]) => c.kubectl(['-n', ns, ...args]);
    const jsonpath = async (what: string, path: string) => ok(await k(['get', what, '-o', `jsonpath=${path}`]), `get ${what}`);

    it('installs with --wait: CRD, custom resource, every kind ready, the pre-install Job hook run and deleted', async () => {
      ok(await helm(['install', r, chart, '--create-namespace', '--wait', '--timeout', '120s']), 'helm install');
      expect(ok(await helm(['list']), 'helm list')).toMatch(new RegExp(`${r}\\s+${ns}\\s+1\\s+.*deployed\\s+webstack-1\\.2\\.3\\s+2\\.4\\.0`));

      expect(ok(await helm(['history', r]), 'helm history')).toMatch(/1\s+.*deployed\s+webstack-1\.2\.3\s+2\.4\.0\s+Install complete/);

      // The CRD from crds/ is established and its custom resource was created from templates/.
      expect(ok(await c.kubectl(['get', 'crd', 'widgets.demo.kites.dev', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']), 'get crd')).toBe('True');
      expect(ok(await k(['get', 'wdg', fullname]), 'get widget')).toMatch(new RegExp(`${fullname}\\s+3\\s+blue`));

      // --wait means the workloads are ready when install returns.
      expect(await jsonpath(`deploy/${fullname}-web`, '{.status.readyReplicas}')).toBe('1');
      expect(await jsonpath(`sts/${fullname}-cache`, '{.status.readyReplicas}')).toBe('1');
      expect(await jsonpath(`ds/${fullname}-agent`, '{.status.numberReady}')).toBe('1');

      // The rest of the kinds, with the chart's labels from _helpers.tpl.
      const names = ok(await k(['get', releaseKinds, '-l', `app.kubernetes.io/instance=${r}`, '-o', 'name']), 'get all kinds').split('\n').filter(Boolean).sort();
      for (const want of [
        `configmap/${fullname}-config`, `secret/${fullname}-auth`, `serviceaccount/${fullname}`,
        `role.rbac.authorization.k8s.io/${fullname}`, `rolebinding.rbac.authorization.k8s.io/${fullname}`,
        `service/${fullname}`, `service/${fullname}-cache-headless`, `statefulset.apps/${fullname}-cache`,
        `daemonset.apps/${fullname}-agent`, `deployment.apps/${fullname}-web`,
        `poddisruptionbudget.policy/${fullname}-web`, `horizontalpodautoscaler.autoscaling/${fullname}-web`,
        `ingress.networking.k8s.io/${fullname}`, `networkpolicy.networking.k8s.io/${fullname}-cache`,
        `cronjob.batch/${fullname}-backup`, `widget.demo.kites.dev/${fullname}`,
      ]) expect(names).toContain(want);
      expect(await jsonpath(`svc/${fullname}-cache-headless`, '{.spec.clusterIP}')).toBe('None');
      expect(await jsonpath(`svc/${fullname}`, '{.spec.clusterIP}')).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(await jsonpath(`secret/${fullname}-auth`, '{.data.password}')).toBe(Buffer.from('s3cret').toString('base64'));

      // The pre-install hook Job ran to completion, then hook-succeeded deleted it (its pods go with it).
      const events = ok(await k(['get', 'events', '--field-selector', `involvedObject.name=${fullname}-migrate`, '-o', 'jsonpath={.items[*].reason}']), 'job events');
      expect(events).toContain('Completed');
      expect((await k(['get', 'job', `${fullname}-migrate`])).code).not.toBe(0);
    });

    it('runs the test hook pod with helm test', async () => {
      const out = ok(await helm(['test', r, '--timeout', '60s', '--logs']), 'helm test');
      expect(out).toContain('test ok');
      expect(out).toMatch(new RegExp(`TEST SUITE:\\s+${fullname}-test[\\s\\S]*Phase:\\s+Succeeded`));
      expect(ok(await k(['logs', `${fullname}-test`]), 'test pod logs')).toContain('test ok');
    });

    it.skipIf(!upgradeWorks)('upgrades with --wait to new replicas and config, rerunning the pre-upgrade hook', async () => {
      ok(await helm(['upgrade', r, chart, '--set', 'web.replicaCount=2', '--set', 'config.greeting=bye', '--wait', '--timeout', '120s']), 'helm upgrade');
      expect(await jsonpath(`cm/${fullname}-config`, '{.data.greeting}')).toBe('bye');
      expect(await jsonpath(`deploy/${fullname}-web`, '{.spec.replicas}')).toBe('2');
      expect(await jsonpath(`deploy/${fullname}-web`, '{.status.readyReplicas}')).toBe('2');
      // The config checksum annotation rolled the pods: every ready pod reads the new greeting.
      expect(await jsonpath(`deploy/${fullname}-web`, '{.status.updatedReplicas}')).toBe('2');
      expect((await k(['get', 'job', `${fullname}-migrate`])).code).not.toBe(0);
      // The test hook sees the new config too.
      ok(await helm(['test', r, '--timeout', '60s']), 'helm test after upgrade');
    });

    it.skipIf(!upgradeWorks)('lists the history and rolls back to revision 1 with --wait', async () => {
      const history = ok(await helm(['history', r]), 'helm history');
      expect(history).toMatch(/1\s+.*superseded\s+webstack-1\.2\.3\s+2\.4\.0\s+Install complete/);
      expect(history).toMatch(/2\s+.*deployed\s+webstack-1\.2\.3\s+2\.4\.0\s+Upgrade complete/);

      ok(await helm(['rollback', r, '1', '--wait', '--timeout', '120s']), 'helm rollback');
      expect(await jsonpath(`cm/${fullname}-config`, '{.data.greeting}')).toBe('hello');
      expect(await jsonpath(`deploy/${fullname}-web`, '{.spec.replicas}')).toBe('1');
      expect(ok(await helm(['history', r]), 'helm history')).toMatch(/3\s+.*deployed\s+.*Rollback to 1/);
    });

    it('uninstalls with --wait: everything of the release is gone but the CRD', async () => {
      ok(await helm(['uninstall', r, '--wait', '--timeout', '120s']), 'helm uninstall');
      expect(ok(await helm(['list']), 'helm list')).not.toContain(r);
      await eventually(async () => {
        const left = ok(await k(['get', `${releaseKinds},pods`, '-l', `app.kubernetes.io/instance=${r}`, '-o', 'name']), 'get all kinds');
        // Helm never deletes test hook pods on uninstall (upstream behaviour): only that pod may stay.
        return left.split('\n').filter(Boolean).every((n) => n === `pod/${fullname}-test`);
      }, 30_000, 'the release objects to go');
      expect(ok(await k(['get', 'secrets', '-l', `owner=helm,name=${r}`, '-o', 'name']), 'release secrets')).toBe('');
      // Helm keeps CRDs from crds/ (their objects would go with them).
      expect((await c.kubectl(['get', 'crd', 'widgets.demo.kites.dev'])).code).toBe(0);
    });
  });
}
