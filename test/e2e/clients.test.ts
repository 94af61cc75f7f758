// The official Python client and @kubernetes/client-node (typed API, informer) against a real
// `bin/kites server` over HTTPS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from './helpers/cluster.js';

const run = promisify(execFile);
const here = path.dirname(new URL(import.meta.url).pathname);

async function hasPythonClient(): Promise<boolean> {
  try {
    await run('/usr/bin/python3', ['-c', 'import kubernetes']);
    return true;
  } catch {
    return false;
  }
}

let cluster: TestCluster;
beforeAll(async () => { cluster = await startTestCluster(); }, 60_000);
afterAll(async () => { await cluster?.stop(); });

describe('Python client', () => {
  it('creates, patches, lists, watches, scales and deletes', async (ctx) => {
    if (!(await hasPythonClient())) ctx.skip();
    const { stdout } = await run('/usr/bin/python3', [path.join(here, 'clients/python_client.py'), cluster.kubeconfig, 'py-e2e'], { timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.read).toEqual({ a: '1' });
    expect(out.patched).toEqual({ a: '1', b: '2' });
    expect(out.listed).toEqual(['py']);
    expect(out.events).toEqual([['ADDED', 'py'], ['MODIFIED', 'py'], ['DELETED', 'py']]);
    expect(out.scale).toBe(0);
    expect(out.replicas).toBe(3);
    expect(out.missing).toBe(404);
  }, 90_000);
});

describe('@kubernetes/client-node', () => {
  it('uses the typed API and an informer', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'js-e2e' } } });
    // Labelled, so the namespace's kube-root-ca.crt ConfigMap stays out of the picture.
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/js-e2e/configmaps', () => core.listNamespacedConfigMap({ namespace: 'js-e2e', labelSelector: 'e2e=js' }), 'e2e=js');
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'js-e2e', body: { metadata: { name: 'js', labels: { e2e: 'js' } }, data: { a: '1' } } });
      await core.replaceNamespacedConfigMap({ name: 'js', namespace: 'js-e2e', body: { ...(await core.readNamespacedConfigMap({ name: 'js', namespace: 'js-e2e' })), data: { a: '2' } } });
      await core.deleteNamespacedConfigMap({ name: 'js', namespace: 'js-e2e' });
      const deadline = Date.now() + 10_000;
      while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual(['add:js', 'update:js', 'delete:js']);
      const list = await core.listNamespacedConfigMap({ namespace: 'js-e2e', labelSelector: 'e2e=js' });
      expect(list.items).toEqual([]);
      await expect(core.readNamespacedConfigMap({ name: 'js', namespace: 'js-e2e' })).rejects.toMatchObject({ code: 404 });
    } finally {
      await informer.stop();
    }
  }, 60_000);
});
