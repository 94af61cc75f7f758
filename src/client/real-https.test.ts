// The HTTPS transport against the real API server listening with TLS: x509 client authentication,
// JSON and patch bodies, Status errors and streamed watches feeding an informer.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { StoredObject } from '../api/types.js';
import { ApiServer } from '../apiserver/server.js';
import { MemoryStore } from '../storage/backends/memory/index.js';
import { silentLogger } from '../api/log.js';
import { fromKubeconfig } from './kubeconfig.js';
import type { HttpTransport } from './http-transport.js';
import { RestClient } from './rest-client.js';
import { SharedInformer } from './informer.js';
import { hasOpenssl, makeTestPki, type TestPki } from './testing/test-certs.js';

type ConfigMap = StoredObject & { data?: Record<string, string> };
const cmRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

async function eventually(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!hasOpenssl())('HttpTransport against the real API server over HTTPS', () => {
  let pki: TestPki;
  let store: MemoryStore;
  let api: ApiServer;
  let transport: HttpTransport;

  beforeAll(async () => {
    pki = makeTestPki();
    store = new MemoryStore();
    api = new ApiServer({ store, log: silentLogger, clientCA: pki.caCert });
    const { port } = await api.listen({ port: 0, host: '127.0.0.1', cert: pki.serverCert, key: pki.serverKey });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    transport = fromKubeconfig({
      'current-context': 'kites',
      clusters: [{ name: 'kites', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': b64(pki.caCert) } }],
      users: [{ name: 'admin', user: { 'client-certificate-data': b64(pki.clientCert), 'client-key-data': b64(pki.clientKey) } }],
      contexts: [{ name: 'kites', context: { cluster: 'kites', user: 'admin' } }],
    }, { timeoutMs: 5000 });
  });
  afterAll(async () => {
    transport?.close();
    await api?.close();
    await store?.close();
    pki?.cleanup();
  });

  it('does CRUD and patches as an x509-authenticated admin', async () => {
    const cms = new RestClient(transport, { fieldManager: 'kit-test' }).resource<ConfigMap>(cmRef);
    const created = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tls' }, data: { a: '1' } });
    expect(created.metadata.uid).toBeTruthy();
    await expect(cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tls' } }))
      .rejects.toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'configmaps "tls" already exists' });
    expect((await cms.patch('default', 'tls', 'merge', { data: { b: '2' } })).data).toEqual({ a: '1', b: '2' });
    expect((await cms.patch('default', 'tls', 'json', [{ op: 'remove', path: '/data/a' }])).data).toEqual({ b: '2' });
    expect((await cms.patch('default', 'tls', 'strategic', { data: { c: '3' } })).data).toEqual({ b: '2', c: '3' });
    const dry = await cms.update('default', { ...(await cms.get('default', 'tls')), data: {} }, { dryRun: true });
    expect(dry.data ?? {}).toEqual({});
    expect((await cms.get('default', 'tls')).data).toEqual({ b: '2', c: '3' });
    await cms.delete('default', 'tls');
    await expect(cms.get('default', 'tls')).rejects.toMatchObject({ code: 404 });
  });

  it('feeds an informer from a streamed watch', async () => {
    const cms = new RestClient(transport).resource<ConfigMap>(cmRef);
    const informer = new SharedInformer<ConfigMap>(cms, { namespace: 'default' });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add:${o.metadata.name}`),
      onUpdate: (_o, n) => seen.push(`update:${n.metadata.name}`),
      onDelete: (o) => seen.push(`delete:${o.metadata.name}`),
    });
    informer.start();
    try {
      expect(await informer.waitForSync(AbortSignal.timeout(3000))).toBe(true);
      await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1' } });
      await cms.patch('default', 'w1', 'merge', { data: { x: 'y' } });
      await cms.delete('default', 'w1');
      await eventually(() => seen.includes('delete:w1'));
      expect(seen.filter((s) => s.endsWith(':w1'))).toEqual(['add:w1', 'update:w1', 'delete:w1']);
    } finally {
      await informer.stop();
    }
  });
});
