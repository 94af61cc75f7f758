// The client kit against the real API server (in-process transport, memory store): the same
// semantics as over HTTPS, so this checks that what the fake API taught the kit holds for real.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { StoredObject } from '../api/types.js';
import { startTestApi, type TestApi } from '../../test/integration/harness.js';
import type { RestRequest, RestResponse, RestTransport } from './transport.js';
import { RestClient } from './rest-client.js';
import { SharedInformer } from './informer.js';
import { LeaderElector, type Lease } from './leader-election.js';
import { isStatusError } from '../api/errors.js';

type ConfigMap = StoredObject & { data?: Record<string, string> };
const cmRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

/** Counts requests so tests can see LIST/WATCH traffic. */
class Counting implements RestTransport {
  lists = 0;
  watches = 0;
  constructor(private readonly inner: RestTransport) {}
  request(req: RestRequest): Promise<RestResponse> {
    if (req.method === 'GET') this.lists++;
    return this.inner.request(req);
  }
  stream(req: RestRequest): AsyncIterable<Uint8Array> {
    this.watches++;
    return this.inner.stream(req);
  }
}

async function eventually(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('client kit against the real API server', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('CRUD errors come back as the StatusErrors kubectl users know', async () => {
    const cms = t.client.resource<ConfigMap>(cmRef);
    const err = await cms.get('default', 'nope').catch((e: unknown) => e);
    expect(isStatusError(err, 'NotFound')).toBe(true);
    expect((err as Error).message).toBe('configmaps "nope" not found');
    const a = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'crud' }, data: { k: 'v' } });
    await cms.update('default', { ...a, data: { k: 'w' } });
    await expect(cms.update('default', { ...a, data: { k: 'x' } })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    const p = await cms.patch('default', 'crud', 'merge', { data: { j: '1' } });
    expect(p.data).toEqual({ k: 'w', j: '1' });
    await cms.delete('default', 'crud');
    const roles = t.client.resource({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false });
    await expect(roles.get(undefined, 'system:nope')).rejects.toMatchObject({ code: 404, message: 'clusterroles.rbac.authorization.k8s.io "system:nope" not found' });
  });

  it('an informer syncs, follows changes, and survives server-side watch timeouts without re-listing', async () => {
    const transport = new Counting(t.api.inProcessTransport());
    const cms = new RestClient(transport).resource<ConfigMap>(cmRef);
    await cms.create('inf', { metadata: { name: 'before' } }).catch(async (e) => {
      if (!isStatusError(e, 'NotFound')) throw e;
      await t.client.resource({ group: '', version: 'v1', resource: 'namespaces', namespaced: false }).create(undefined, { metadata: { name: 'inf' } });
      await cms.create('inf', { metadata: { name: 'before' } });
    });
    const deletes: string[] = [];
    const informer = new SharedInformer<ConfigMap>(cms, { namespace: 'inf', watchTimeoutSeconds: () => 1 });
    informer.addEventHandler({ onDelete: (o, unknown) => deletes.push(`${o.metadata.name}${unknown ? '?' : ''}`) });
    informer.start();
    try {
      expect(await informer.waitForSync(AbortSignal.timeout(3000))).toBe(true);
      expect(informer.lister.get('inf', 'before')).toBeTruthy();
      await cms.create('inf', { metadata: { name: 'during' }, data: { a: '1' } });
      await eventually(() => informer.lister.get('inf', 'during') !== undefined);
      const listsAfterSync = transport.lists;
      await eventually(() => transport.watches >= 2, 4000); // the server ended the first watch after 1 s
      await cms.patch('inf', 'during', 'merge', { data: { a: '2' } });
      await eventually(() => informer.lister.get('inf', 'during')?.data?.a === '2');
      await cms.delete('inf', 'before');
      await eventually(() => deletes.includes('before'));
      expect(transport.lists).toBe(listsAfterSync); // re-watched from the last resourceVersion, never re-listed
      expect(deletes).toEqual(['before']);
    } finally {
      await informer.stop();
    }
  });

  it('two electors hand the lease over through the real Lease API', async () => {
    const leases = t.client.resource<Lease>({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true });
    const mk = (identity: string, log: string[]) => new LeaderElector({
      client: new RestClient(t.api.inProcessTransport()), namespace: 'kube-system', name: 'kit-test', identity,
      leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 100,
      onStartedLeading: () => { log.push('started'); },
      onStoppedLeading: () => { log.push('stopped'); },
    });
    const la: string[] = [], lb: string[] = [];
    const a = mk('a', la), b = mk('b', lb);
    const aa = new AbortController(), ab = new AbortController();
    const ra = a.run(aa.signal);
    await eventually(() => a.isLeader());
    const rb = b.run(ab.signal);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.isLeader()).toBe(false);
    const held = await leases.get('kube-system', 'kit-test');
    expect(held.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 3, leaseTransitions: 0 });
    aa.abort();
    await ra;
    await eventually(() => b.isLeader(), 1000); // released: no need to wait out the 3 s lease
    expect((await leases.get('kube-system', 'kit-test')).spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    ab.abort();
    await rb;
    expect(la).toEqual(['started', 'stopped']);
    expect(lb).toEqual(['started', 'stopped']);
    expect((await leases.get('kube-system', 'kit-test')).spec?.holderIdentity).toBe('');
  });
});
