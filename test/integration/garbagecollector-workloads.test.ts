// The garbage collector beside the Deployment and ReplicaSet controllers, as `kubectl delete`
// uses it: background deletion removes the ReplicaSets and pods, --cascade=orphan leaves the
// ReplicaSet without its owner and its pods in place, foreground waits for the whole tree.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { InformerFactory } from '../../src/client/informer-factory.js';
import { ReplicaSetController } from '../../src/controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../../src/controllers/deployment/deployment-controller.js';
import { GarbageCollector } from '../../src/controllers/garbagecollector/garbage-collector.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { deploymentsResource, podsResource, replicaSetsResource } from '../../src/controllers/common/types.js';
import { startTestApi, type TestApi } from './harness.js';

describe('garbage collector with workload controllers', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<unknown>;
  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    const transport = t.api.inProcessTransport();
    const informers = new InformerFactory(new RestClient(transport), { log: silentLogger });
    running = Promise.all([
      new ReplicaSetController({ transport, log: silentLogger, informers }).start(abort.signal),
      new DeploymentController({ transport, log: silentLogger, informers }).start(abort.signal),
      new GarbageCollector({ transport, log: silentLogger, informers, resources: () => t.api.resources(), resourceRefreshMs: 200, foregroundRecheckMs: 200 }).start(abort.signal),
    ]);
  });
  afterEach(async () => {
    abort.abort();
    await running;
    await t.stop();
  });

  async function deploy(name: string): Promise<void> {
    await t.client.resource(deploymentsResource).create('default', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    } as KubeObject);
    await waitFor(async () => (await t.client.resource(podsResource).list('default', { labelSelector: `app=${name}` })).items.length === 2, 5000, `${name} pods`);
  }
  const count = async (ref: typeof podsResource | typeof replicaSetsResource, app: string) =>
    (await t.client.resource(ref).list('default', { labelSelector: `app=${app}` })).items.length;

  it('background deletion of a Deployment removes its ReplicaSets and pods', async () => {
    await deploy('gone');
    await t.client.resource(deploymentsResource).delete('default', 'gone');
    await waitFor(async () => (await count(replicaSetsResource, 'gone')) + (await count(podsResource, 'gone')) === 0, 5000, 'tree collected');
  });

  it('orphan deletion keeps the ReplicaSet (without owner) and its pods', async () => {
    await deploy('kept');
    await t.client.resource(deploymentsResource).delete('default', 'kept', { propagationPolicy: 'Orphan' });
    await waitFor(async () => {
      try {
        await t.client.resource(deploymentsResource).get('default', 'kept');
        return false;
      } catch {
        return true;
      }
    }, 5000, 'deployment gone');
    const sets = (await t.client.resource(replicaSetsResource).list('default', { labelSelector: 'app=kept' })).items;
    expect(sets).toHaveLength(1);
    expect(sets[0]!.metadata?.ownerReferences ?? []).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(await count(podsResource, 'kept')).toBe(2);
  });

  it('foreground deletion removes pods and ReplicaSet before the Deployment', async () => {
    await deploy('fg');
    await t.client.resource(deploymentsResource).delete('default', 'fg', { propagationPolicy: 'Foreground' });
    await waitFor(async () => {
      try {
        await t.client.resource(deploymentsResource).get('default', 'fg');
        return false;
      } catch {
        return true;
      }
    }, 5000, 'deployment gone');
    expect(await count(replicaSetsResource, 'fg')).toBe(0);
    expect(await count(podsResource, 'fg')).toBe(0);
  });
});
