// PLACEHOLDER signature (the lead engineer is writing the implementation): the API server.
import type { Store } from '../storage/store.js';
import type { RestTransport } from '../client/transport.js';
import type { Logger } from '../api/log.js';

export interface UserInfo { username: string; uid?: string; groups: string[] }

export interface ApiServerOptions {
  store: Store;
  log: Logger;
  /** PEM of the CA that signs client certificates (x509 authentication). */
  clientCA: string;
  /** Bearer tokens → user (node agents, service accounts later). */
  authenticateToken?: (token: string) => UserInfo | undefined;
  /** Shown by /version. */
  version?: { gitVersion: string; major: string; minor: string };
}

export interface ServingOptions {
  port: number;
  host: string;
  /** PEM serving certificate chain and key. */
  cert: string;
  key: string;
}

export class ApiServer {
  constructor(readonly options: ApiServerOptions) {}
  /** Starts HTTPS serving; resolves once listening. */
  async listen(_serving: ServingOptions): Promise<{ port: number }> { throw new Error('not implemented yet'); }
  /** A client transport that calls this server in-process, as the system:masters user. */
  inProcessTransport(): RestTransport { throw new Error('not implemented yet'); }
  /** True once the store is open and built-in namespaces exist. */
  isReady(): boolean { return false; }
  /** Closes watches, stops serving. */
  async close(): Promise<void> {}
}
