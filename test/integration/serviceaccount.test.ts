// The ServiceAccount controller over the in-process API: `default` in every namespace, re-created.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/api/log.js';
import { ServiceAccountsController } from '../../src/controllers/serviceaccount/serviceaccounts-controller.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const sas = { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true };
const nss = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };

describe('serviceaccount controller', () => {
  let t: TestApi;
  let abort: AbortController;
  let running: Promise<void>;
  beforeEach(async () => {
    t = await startTestApi();
    abort = new AbortController();
    running = new ServiceAccountsController({ transport: t.api.inProcessTransport(), log: silentLogger }).start(abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await running;
    await t.stop();
  });
  const find = (ns: string) => waitFor(async () => {
    try {
      return await t.client.resource(sas).get(ns, 'default');
    } catch {
      return undefined;
    }
  }, 5000, `default SA in ${ns}`);

  it('creates default in existing and new namespaces, and again after deletion', async () => {
    await find('default');
    await t.client.resource(nss).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sa-new' } });
    const first = await find('sa-new');
    await t.client.resource(sas).delete('sa-new', 'default');
    const again = await waitFor(async () => {
      const sa = await find('sa-new');
      return sa.metadata?.uid !== first.metadata?.uid ? sa : undefined;
    }, 5000, 're-created');
    expect(again.metadata?.name).toBe('default');
  });
});
