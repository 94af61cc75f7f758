// The userspace proxy mode: for each service port, sockets listening on the addresses the
// Service is reachable at, splicing traffic to endpoints chosen in user space. For machines where
// the iptables mode cannot run (not root) and for the process runtime, whose "pods" are host
// processes. What listens where:
// - ClusterIPs: when root, each VIP is put on a dummy link as a /32 (as kube-proxy's IPVS mode
//   does with kube-ipvs0) so it is a local address every host process can reach; not root: skipped
//   (logged once);
// - node ports on every node IP and 127.0.0.1;
// - external IPs and load-balancer ingress IPs, when they are local addresses of this host.
// ClusterIP traffic uses the internal endpoints, the rest the external ones (traffic policies are
// decided by the proxy model, the same for every mode).
import { isIPv4 } from 'node:net';
import type { Logger } from '../../../api/log.js';
import { realClock, type Clock } from '../../../client/clock.js';
import { deleteLink, ensureAddress, linkAddresses, removeAddress } from '../../host/index.js';
import { ensureVIPLink } from './vip-link.js';
import type { EndpointInfo, ProxyMode, ProxyState, ServicePortEntry } from '../model.js';
import { backendKey, RoundRobinBalancer } from './load-balancer.js';
import { TcpProxySocket } from './tcp-proxy.js';
import { UdpProxySocket } from './udp-proxy.js';
import { localSockets, netnsSockets, type SocketFactory } from './sockets.js';

export type ClusterIPMode = 'link' | 'bind' | 'skip';

export interface UserspaceProxierOptions {
  /** This node's addresses; node ports listen on each of them and on 127.0.0.1. */
  nodeIPs: string[];
  /** Network namespace for the `ip` commands that manage the VIP link (tests). */
  netns?: string;
  log: Logger;
  /** Dummy link holding the ClusterIPs (default kites-svc). */
  vipLink?: string;
  /**
   * How ClusterIPs are served: `link` puts them on vipLink (needs root), `bind` listens on them
   * as they are (they are already local, e.g. 127.0.0.x in tests), `skip` does not serve them.
   * Default: `link` as root, `skip` otherwise.
   */
  clusterIPs?: ClusterIPMode;
  /** A UDP session ends after this long without traffic (default 30 s, conntrack's UDP stream timeout is 120 s, its single-packet one 30 s). */
  udpIdleTimeoutMs?: number;
  dialTimeoutsMs?: number[];
  clock?: Pick<Clock, 'now'>;
  /** Where sockets are opened (default: here, or inside `netns` when it is set). */
  sockets?: SocketFactory;
}

type Category = 'internal' | 'external';

interface BalancerEntry {
  balancer: RoundRobinBalancer;
  /** Endpoints that still exist (any condition): TCP connections to others are closed. */
  existing: Set<string>;
  /** Endpoints traffic may use: UDP sessions to others are ended. */
  usable: Set<string>;
}

interface ListenerSpec {
  key: string;
  protocol: 'TCP' | 'UDP';
  address: string;
  port: number;
  balancer: string;
}

type ProxySocket = TcpProxySocket | UdpProxySocket;

export class UserspaceProxier implements ProxyMode {
  private readonly log: Logger;
  private readonly vipLink: string;
  private readonly clusterIPMode: ClusterIPMode;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly balancers = new Map<string, BalancerEntry>();
  private readonly listeners = new Map<string, { spec: ListenerSpec; socket: ProxySocket }>();
  private loggedNoRoot = false;
  private linkReady = false;
  private sockets?: Promise<SocketFactory>;
  private readonly nodePortAddresses: string[];
  private readonly warned = new Set<string>();

  constructor(private readonly opts: UserspaceProxierOptions) {
    this.log = opts.log.child('proxy-userspace');
    this.vipLink = opts.vipLink ?? 'kites-svc';
    this.clusterIPMode = opts.clusterIPs ?? (process.getuid?.() === 0 ? 'link' : 'skip');
    this.clock = opts.clock ?? realClock;
    // IPv4 only, as the model: the service addresses are IPv4.
    this.nodePortAddresses = [...new Set([...opts.nodeIPs.filter((ip) => isIPv4(ip)), '127.0.0.1'])];
  }

  async sync(state: ProxyState): Promise<void> {
    const wanted = new Map<string, ListenerSpec>();
    const liveBalancers = new Set<string>();
    const vips = new Set<string>();
    for (const entry of state.servicePorts.values()) {
      const { info } = entry;
      if (info.protocol === 'SCTP') continue;
      const protocol = info.protocol;
      const timeout = info.sessionAffinity.clientIP?.timeoutSeconds ?? 0;
      const internal = this.balancer(`${info.key}/${protocol}|internal`, entry, entry.internalEndpoints, timeout);
      const external = this.balancer(`${info.key}/${protocol}|external`, entry, entry.externalEndpoints, timeout);
      liveBalancers.add(internal).add(external);
      const add = (address: string, port: number, balancer: string) => {
        // TCP without a usable endpoint: no listener, so connects are refused at once (the
        // iptables mode's REJECT), instead of being accepted and closed.
        if (protocol === 'TCP' && this.balancers.get(balancer)!.balancer.size === 0) return;
        const key = `${protocol}|${address}|${port}|${balancer}`;
        wanted.set(key, { key, protocol, address, port, balancer });
      };
      // IPVS-style: external and load-balancer IPs go on the link too, so traffic routed to this
      // node for them is delivered to the listeners.
      for (const ip of [...info.clusterIPs, ...info.externalIPs, ...info.loadBalancerIPs]) vips.add(ip);
      if (this.clusterIPMode !== 'skip' && !servedByItsOwnVIP(entry)) {
        for (const ip of info.clusterIPs) add(ip, info.port, internal);
      }
      if (info.nodePort) for (const ip of this.nodePortAddresses) add(ip, info.nodePort, external);
      for (const ip of new Set([...info.externalIPs, ...info.loadBalancerIPs])) add(ip, info.port, external);
    }
    if (this.clusterIPMode === 'skip' && state.servicePorts.size > 0 && !this.loggedNoRoot) {
      this.loggedNoRoot = true;
      this.log.info('not root: ClusterIPs are not served by the userspace proxy (node ports and external IPs are)');
    }
    if (this.clusterIPMode === 'link') await this.syncVIPs(vips);

    for (const [key, l] of this.listeners) {
      if (!wanted.has(key)) {
        this.listeners.delete(key);
        // Connections to endpoints that still exist (terminating ones) are left to finish.
        const existing = this.balancers.get(l.spec.balancer)?.existing;
        await l.socket.close((k) => existing?.has(k) ?? false);
      }
    }
    for (const k of [...this.balancers.keys()]) if (!liveBalancers.has(k)) this.balancers.delete(k);
    for (const spec of wanted.values()) {
      if (!this.listeners.has(spec.key)) await this.open(spec);
    }
    for (const { spec, socket } of this.listeners.values()) {
      const b = this.balancers.get(spec.balancer)!;
      socket.closeConnections(spec.protocol === 'UDP' ? (k) => b.usable.has(k) : (k) => b.existing.has(k));
    }
  }

  async stop(opts: { cleanup?: boolean } = {}): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((l) => l.socket.close()));
    if (this.sockets) await (await this.sockets).close();
    this.sockets = undefined;
    if (opts.cleanup && this.clusterIPMode === 'link') await deleteLink(this.vipLink, { netns: this.opts.netns });
  }

  private socketFactory(): Promise<SocketFactory> {
    this.sockets ??= this.opts.sockets ? Promise.resolve(this.opts.sockets) : this.opts.netns ? netnsSockets(this.opts.netns) : Promise.resolve(localSockets());
    return this.sockets;
  }

  /** The addresses being listened on, as `PROTO address:port` (diagnostics and tests). */
  listening(): string[] {
    return [...this.listeners.values()].map(({ spec }) => `${spec.protocol} ${spec.address}:${spec.port}`).sort();
  }

  private balancer(key: string, entry: ServicePortEntry, endpoints: EndpointInfo[], timeoutSeconds: number): string {
    let b = this.balancers.get(key);
    if (!b) this.balancers.set(key, (b = { balancer: new RoundRobinBalancer(this.clock), existing: new Set(), usable: new Set() }));
    b.balancer.update(endpoints.map((e) => ({ ip: e.ip, port: e.port })), timeoutSeconds);
    b.existing = new Set(entry.endpoints.map(backendKey));
    b.usable = new Set(endpoints.map(backendKey));
    return key;
  }

  private async open(spec: ListenerSpec): Promise<void> {
    const entry = () => this.balancers.get(spec.balancer)!.balancer;
    const sockets = await this.socketFactory();
    const socket: ProxySocket = spec.protocol === 'TCP'
      ? new TcpProxySocket({ sockets, address: spec.address, port: spec.port, balancer: entry, log: this.log, dialTimeoutsMs: this.opts.dialTimeoutsMs })
      : new UdpProxySocket({ sockets, address: spec.address, port: spec.port, balancer: entry, log: this.log, idleTimeoutMs: this.opts.udpIdleTimeoutMs ?? 30_000 });
    try {
      await socket.listen();
      this.listeners.set(spec.key, { spec, socket });
      this.warned.delete(spec.key);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // An external or load-balancer IP that is not ours: nothing to serve here. Others are retried on the next sync.
      // Warned once per address (a port held by another program would otherwise warn every sync).
      const level = code === 'EADDRNOTAVAIL' || this.warned.has(spec.key) ? 'debug' : 'warn';
      this.warned.add(spec.key);
      this.log[level]('cannot listen for a service', { address: `${spec.address}:${spec.port}/${spec.protocol}`, err });
    }
  }

  private async syncVIPs(vips: Set<string>): Promise<void> {
    const o = { netns: this.opts.netns };
    if (!this.linkReady) {
      const kind = await ensureVIPLink(this.vipLink, o);
      if (kind !== 'dummy') this.log.info('no dummy link driver in this kernel; service VIPs are on an empty bridge', { link: this.vipLink });
      this.linkReady = true;
    }
    const have = new Set(await linkAddresses(this.vipLink, o));
    for (const ip of vips) if (!have.has(`${ip}/32`)) await ensureAddress(this.vipLink, `${ip}/32`, o);
    for (const cidr of have) if (!vips.has(cidr.replace(/\/32$/, ''))) await removeAddress(this.vipLink, cidr, o);
  }
}

/**
 * A port whose only endpoints are its own ClusterIP on the same port (a DNS server bound on the
 * service address on the process runtime) is served by that process: listening there would
 * collide with it, and forwarding to ourselves would loop.
 */
function servedByItsOwnVIP(entry: ServicePortEntry): boolean {
  const { info, endpoints } = entry;
  return endpoints.length > 0 && endpoints.every((e) => info.clusterIPs.includes(e.ip) && e.port === info.port);
}
