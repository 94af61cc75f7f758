import { describe, it, expect } from 'vitest';
import type { StoredObject } from '../api/types.js';
import { errors } from '../api/errors.js';
import { RestClient } from './rest-client.js';
import { InformerFactory } from './informer-factory.js';
import { WorkQueue } from './workqueue.js';
import { enqueueHandler, runWorkers } from './controller.js';
import { objectKey, splitKey } from './paths.js';
import { isNotFound } from './status.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeClock, settle } from './testing/fake-clock.js';

type ConfigMap = StoredObject & { data?: Record<string, string> };
const cmRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

async function until(cond: () => boolean, clock: FakeClock, stepMs = 0, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds && !cond(); i++) {
    if (stepMs) await clock.advance(stepMs);
    else await settle();
  }
  expect(cond()).toBe(true);
}

describe('a level-triggered controller built from the kit', () => {
  it('mirrors labelled ConfigMaps into "<name>-copy", retrying failures and following deletes', async () => {
    const api = new FakeApi({ splitChunks: true });
    const clock = new FakeClock();
    const client = new RestClient(api, { fieldManager: 'mirror-controller' });
    const cms = client.resource<ConfigMap>(cmRef);
    const factory = new InformerFactory(client, { clock, random: () => 0 });
    const informer = factory.informerFor<ConfigMap>(cmRef);
    const queue = new WorkQueue<string>({ clock, name: 'mirror' });
    // A copy's events wake its source's key: the controller owns both.
    informer.addEventHandler(enqueueHandler<ConfigMap>(queue, (o) => objectKey({ metadata: { namespace: o.metadata.namespace, name: o.metadata.name.replace(/-copy$/, '') } })));

    // reconcile reads from the cache and makes the copy match; it never trusts the event itself.
    const reconcile = async (key: string) => {
      const { namespace, name } = splitKey(key);
      const source = informer.lister.get(namespace, name);
      const copy = informer.lister.get(namespace, `${name}-copy`);
      if (!source || source.metadata.labels?.mirror !== 'true') {
        if (copy) await cms.delete(namespace, copy.metadata.name).catch((e) => { if (!isNotFound(e)) throw e; });
        return;
      }
      const desired = { ...(source.data ?? {}) };
      if (!copy) await cms.create(namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-copy` }, data: desired } as ConfigMap);
      else if (JSON.stringify(copy.data ?? {}) !== JSON.stringify(desired)) await cms.update(namespace, { ...copy, data: desired });
    };

    const ac = new AbortController();
    factory.start(ac.signal);
    expect(await factory.waitForCacheSync(AbortSignal.timeout(2000))).toBe(true);
    const workers = runWorkers(queue, 2, reconcile, ac.signal);

    // The first create of a copy fails: the key comes back after the 5 ms backoff.
    api.failNext((r) => r.method === 'POST' && (r.body as ConfigMap | undefined)?.metadata?.name === 'settings-copy', errors.serviceUnavailable('try later'));
    await cms.create('default', { metadata: { name: 'settings', labels: { mirror: 'true' } }, data: { a: '1' } } as unknown as ConfigMap);
    await settle(20);
    expect(api.peek('', 'configmaps', 'default', 'settings-copy')).toBeUndefined();
    await until(() => api.peek('', 'configmaps', 'default', 'settings-copy') !== undefined, clock, 5);
    expect(api.peek('', 'configmaps', 'default', 'settings-copy')!.data).toEqual({ a: '1' });
    expect(api.requests.filter((r) => r.method === 'POST' && (r.body as ConfigMap).metadata.name === 'settings-copy')).toHaveLength(2);

    const src = await cms.get('default', 'settings');
    await cms.update('default', { ...src, data: { a: '2' } });
    await until(() => (api.peek('', 'configmaps', 'default', 'settings-copy')?.data as Record<string, string> | undefined)?.a === '2', clock);

    await cms.delete('default', 'settings');
    await until(() => api.peek('', 'configmaps', 'default', 'settings-copy') === undefined, clock);

    ac.abort();
    await workers;
    await factory.stop();
    expect(api.watchCount).toBe(0);
  });
});
