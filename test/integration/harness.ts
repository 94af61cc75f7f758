// An in-process cluster for integration tests: the real API server on a MemoryStore (or a given
// store), reached through the in-process transport, plus the namespace controller.
import { ApiServer } from '../../src/apiserver/server.js';
import { MemoryStore } from '../../src/storage/backends/memory/index.js';
import type { Store } from '../../src/storage/store.js';
import { silentLogger } from '../../src/api/log.js';
import { RestClient } from '../../src/client/rest-client.js';
import { NamespaceController } from '../../src/controllers/namespace/namespace-controller.js';

export interface TestApi {
  api: ApiServer;
  store: Store;
  client: RestClient;
  stop(): Promise<void>;
}

export async function startTestApi(opts: { store?: Store; controllers?: boolean } = {}): Promise<TestApi> {
  const store = opts.store ?? new MemoryStore();
  const api = new ApiServer({ store, log: silentLogger, clientCA: '' });
  await api.start();
  const client = new RestClient(api.inProcessTransport(), { fieldManager: 'test' });
  const abort = new AbortController();
  let ctl: Promise<void> | undefined;
  if (opts.controllers) {
    ctl = new NamespaceController({ transport: api.inProcessTransport(), resources: () => api.resources(), log: silentLogger, recheckMs: 50 }).start(abort.signal);
  }
  return {
    api, store, client,
    async stop() {
      abort.abort();
      await ctl?.catch(() => {});
      await api.close();
      await store.close();
    },
  };
}
