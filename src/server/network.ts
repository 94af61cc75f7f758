// The cluster's packaged networking add-ons, as k3s ships them: the default/kubernetes endpoints
// (the API server's own reconciler), cluster DNS (CoreDNS's role) and the ingress controller
// (Traefik's role). Each is optional (--disable) and none may stop the server from serving:
// a failure is logged and the rest runs.
import { isIP } from 'node:net';
import type { Logger } from '../api/log.js';
import type { RestTransport } from '../client/transport.js';
import { RestClient } from '../client/rest-client.js';
import type { ServerOptions } from './options.js';

export interface ClusterNetworking {
  stop(): Promise<void>;
}

export function disabled(options: Pick<ServerOptions, 'disable'>, ...names: string[]): boolean {
  return options.disable.some((d) => names.includes(d));
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';

/**
 * Where pods reach the API server: the node IP, unless that is a loopback address (kites' default,
 * so nothing listens beyond this machine) — then, for pods in their own network namespaces, the
 * gateway of this node's pod CIDR, a host address every local pod can reach.
 */
async function advertiseAddress(options: ServerOptions, client: RestClient, signal: AbortSignal): Promise<string | undefined> {
  if (!isLoopback(options.nodeIp) || options.runtime !== 'containerd' || options.disableAgent) return options.nodeIp;
  if (isLoopback(options.bindAddress)) return options.nodeIp;
  const deadline = Date.now() + 60_000;
  while (!signal.aborted && Date.now() < deadline) {
    try {
      const node = await client.resource<{ spec?: { podCIDR?: string } } & import('../api/types.js').StoredObject>({ group: '', version: 'v1', resource: 'nodes', namespaced: false }).get('', options.nodeName);
      const cidr = node.spec?.podCIDR;
      if (cidr) {
        const base = cidr.split('/')[0]!.split('.').map(Number);
        base[3] = (base[3] ?? 0) + 1;
        const gw = base.join('.');
        if (isIP(gw) === 4) return gw;
      }
    } catch {
      // not registered yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return options.nodeIp;
}

export async function startClusterNetworking(o: { options: ServerOptions; transport: RestTransport; apiPort: number; log: Logger }): Promise<ClusterNetworking> {
  const { options, log } = o;
  const stops: Array<() => Promise<void>> = [];
  const abort = new AbortController();
  const client = new RestClient(o.transport, { fieldManager: 'kube-apiserver' });

  // default/kubernetes → this API server (upstream's endpoint reconciler, every 10 s).
  const { runKubernetesEndpointsReconciler } = await import('../controllers/endpoints/master.js');
  const reconciler = (async () => {
    const address = await advertiseAddress(options, client, abort.signal);
    if (!address || abort.signal.aborted) return;
    await runKubernetesEndpointsReconciler(client, { addresses: [address], port: o.apiPort }, abort.signal, { log: log.child('kubernetes-endpoints') });
  })();
  stops.push(async () => { abort.abort(); await reconciler; });

  // Cluster DNS on the --cluster-dns address: pods in their own network namespaces need it; it
  // binds that address on a local link, which takes root.
  const root = process.getuid?.() === 0;
  if (!disabled(options, 'coredns', 'dns') && !options.disableAgent && options.runtime === 'containerd' && root) {
    try {
      const { startNodeLocalClusterDns } = await import('../network/dns/index.js');
      const dns = await startNodeLocalClusterDns({ transport: o.transport, clusterDns: options.clusterDns, clusterDomain: options.clusterDomain, nodeName: options.nodeName, log });
      stops.push(() => dns.stop());
      log.info('cluster DNS serving', { address: options.clusterDns, domain: options.clusterDomain });
    } catch (e) {
      log.error('cluster DNS could not start; pods will not resolve cluster names', { err: e });
    }
  }

  if (!disabled(options, 'traefik', 'ingress')) {
    try {
      const { startIngressController } = await import('../network/ingress/index.js');
      const ingress = await startIngressController({ transport: o.transport, httpPort: options.ingressHttpPort, httpsPort: options.ingressHttpsPort, bindAddress: options.bindAddress, log: log.child('ingress') });
      stops.push(() => ingress.stop());
      log.info('ingress controller serving', { http: ingress.httpPort, https: ingress.httpsPort });
    } catch (e) {
      log.error(`ingress controller could not start (ports ${options.ingressHttpPort}/${options.ingressHttpsPort}; change them with --ingress-http-port/--ingress-https-port or --disable ingress)`, { err: e });
    }
  }

  return {
    async stop() {
      for (const s of stops.reverse()) await s().catch((e) => log.warn('stopping a networking add-on failed', { err: e }));
    },
  };
}
