// Health-check node ports, as upstream kube-proxy serves them (pkg/proxy/healthcheck): for every
// LoadBalancer Service with externalTrafficPolicy Local, an HTTP server on its
// spec.healthCheckNodePort answers 200 while this node has a ready endpoint of the Service and
// 503 otherwise, so an external load balancer only sends traffic to nodes that can take it.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../../api/log.js';
import type { ProxyState } from './model.js';

export interface ServiceHealthServerOptions {
  log: Logger;
  /** Address the servers bind (default all addresses). */
  bindAddress?: string;
  /** Port to bind for a given healthCheckNodePort (tests map them to free ports). */
  portFor?: (healthCheckNodePort: number) => number;
}

interface Served { namespace: string; name: string; localEndpoints: number; server: Server; ready: Promise<void> }

export class ServiceHealthServer {
  private readonly servers = new Map<number, Served>();

  constructor(private readonly options: ServiceHealthServerOptions) {}

  /** Opens, updates and closes servers to match the state. */
  async sync(state: ProxyState): Promise<void> {
    const wanted = new Map<number, { namespace: string; name: string; localEndpoints: number }>();
    for (const e of state.servicePorts.values()) {
      const port = e.info.healthCheckNodePort;
      if (!port) continue;
      const prev = wanted.get(port);
      // Upstream counts the Service's local ready endpoints (per Service, not per port).
      const local = new Set(e.endpoints.filter((x) => x.isLocal && x.ready).map((x) => x.ip)).size;
      wanted.set(port, { namespace: e.info.namespace, name: e.info.name, localEndpoints: Math.max(prev?.localEndpoints ?? 0, local) });
    }
    for (const [port, s] of this.servers) {
      const w = wanted.get(port);
      if (!w || w.namespace !== s.namespace || w.name !== s.name) {
        this.servers.delete(port);
        await new Promise<void>((r) => s.server.close(() => r()));
      }
    }
    for (const [port, w] of wanted) {
      const s = this.servers.get(port);
      if (s) {
        s.localEndpoints = w.localEndpoints;
        continue;
      }
      this.servers.set(port, this.open(port, w));
    }
    await Promise.all([...this.servers.values()].map((s) => s.ready));
  }

  /** The bound address of a served health check port (tests). */
  address(healthCheckNodePort: number): { port: number } | undefined {
    const a = this.servers.get(healthCheckNodePort)?.server.address();
    return a && typeof a === 'object' ? { port: a.port } : undefined;
  }

  async close(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map((s) => new Promise<void>((r) => s.server.close(() => r()))));
  }

  private open(port: number, w: { namespace: string; name: string; localEndpoints: number }): Served {
    const served: Served = { ...w, server: createServer(), ready: Promise.resolve() };
    served.server.on('request', (_req, res) => {
      const count = served.localEndpoints;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Load-Balancing-Endpoint-Weight', String(count));
      res.statusCode = count > 0 ? 200 : 503;
      res.end(JSON.stringify({ service: { namespace: served.namespace, name: served.name }, localEndpoints: count, serviceProxyHealthy: true }, null, 2));
    });
    served.ready = new Promise<void>((resolve) => {
      served.server.once('error', (err) => {
        // A port we cannot bind must not fail the whole sync (upstream logs and goes on).
        this.options.log.error('cannot serve health check node port', { port, err });
        if (this.servers.get(port) === served) this.servers.delete(port); // retried next sync
        resolve();
      });
      served.server.listen(this.options.portFor ? this.options.portFor(port) : port, this.options.bindAddress, () => resolve());
    });
    return served;
  }
}
