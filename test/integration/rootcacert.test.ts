// The root CA publisher over the in-process API: kube-root-ca.crt everywhere, kept equal to the CA.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { RootCACertPublisher } from '../../src/controllers/rootcacert/publisher.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const cms = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const nss = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };
const CA = '-----BEGIN CERTIFICATE-----\nMIIBdGVzdA==\n-----END CERTIFICATE-----\n';
type CM = KubeObject & { data?: Record<string, string> };

describe('root CA publisher', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<void>;
  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    running = new RootCACertPublisher({ transport: t.api.inProcessTransport(), log: silentLogger, rootCA: CA }).start(abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await running;
    await t.stop();
  });
  const caIn = (ns: string, pred: (cm: CM) => boolean = () => true) => waitFor(async () => {
    try {
      const cm = await t.client.resource<CM>(cms).get(ns, 'kube-root-ca.crt');
      return pred(cm) ? cm : undefined;
    } catch {
      return undefined;
    }
  }, 5000, `kube-root-ca.crt in ${ns}`);

  it('publishes into new namespaces and restores changed or deleted copies', async () => {
    expect((await caIn('default')).data).toEqual({ 'ca.crt': CA });
    await t.client.resource(nss).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ca-new' } });
    const cm = await caIn('ca-new');
    expect(cm.data?.['ca.crt']).toBe(CA);
    await t.client.resource<CM>(cms).update('ca-new', { ...cm, data: { 'ca.crt': 'tampered', extra: 'x' } } as CM);
    await caIn('ca-new', (c) => c.data?.['ca.crt'] === CA && !c.data.extra);
    await t.client.resource(cms).delete('ca-new', 'kube-root-ca.crt');
    await caIn('ca-new', (c) => c.metadata?.uid !== cm.metadata?.uid);
  });
});
