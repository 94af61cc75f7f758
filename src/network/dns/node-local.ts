// Running the cluster DNS on the node itself, on the cluster DNS address: the address goes on a
// dummy link (as kube-proxy's IPVS mode puts service IPs on kube-ipvs0), which makes it a local
// address of the host (on `lo` where the kernel has no dummy driver). Pods reach it through their gateway with no NAT at all; the kube-dns
// Service's endpoint is that same address, so a service proxy that DNATs the VIP maps it onto
// itself. Replies leave from the address the query went to because the sockets bind it exactly.
import http from 'node:http';
import type { Logger } from '../../api/log.js';
import { RestClient } from '../../client/rest-client.js';
import type { RestTransport } from '../../client/transport.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { ensureAddress, ensureDummyLink, linkExists, removeAddress } from '../host/links.js';
import { HostCommandError, runHostCommand } from '../host/command.js';
import type { Registry } from 'prom-client';
import { startClusterDns, type ClusterDns } from './server.js';
import { ensureClusterDnsService } from './service.js';

export const clusterDnsLink = 'kites-dns';

function hostCidr(ip: string): string {
  return `${ip}/${ip.includes(':') ? 128 : 32}`;
}

/**
 * Puts the cluster DNS address on the dummy link (inside `netns` when given: tests). Kernels
 * without the dummy driver (some VMs and sandboxes: "Unknown device type") get it on `lo`
 * instead, which makes it just as local. Returns the link used.
 */
export async function prepareClusterDnsAddress(o: { clusterDns: string; link?: string; netns?: string }): Promise<string> {
  let link = o.link ?? clusterDnsLink;
  try {
    await ensureDummyLink(link, { netns: o.netns });
  } catch (e) {
    if (!(e instanceof HostCommandError) || !/Unknown device type|not supported/i.test(e.stderr)) throw e;
    link = 'lo';
    await runHostCommand('ip', ['link', 'set', 'lo', 'up'], { netns: o.netns });
  }
  await ensureAddress(link, hostCidr(o.clusterDns), { netns: o.netns });
  return link;
}

/** Takes the address off again (from the dummy link or `lo`, wherever prepare put it). */
export async function releaseClusterDnsAddress(o: { clusterDns: string; link?: string; netns?: string }): Promise<void> {
  for (const link of [o.link ?? clusterDnsLink, 'lo']) {
    if (await linkExists(link, { netns: o.netns })) await removeAddress(link, hostCidr(o.clusterDns), { netns: o.netns });
  }
}

export interface NodeLocalClusterDnsOptions {
  transport: RestTransport;
  informers?: InformerFactory;
  /** The cluster DNS address (kites --cluster-dns). */
  clusterDns: string;
  clusterDomain: string;
  port?: number;
  /** Prometheus endpoint port on the cluster DNS address (CoreDNS: 9153; 0 or undefined with `serveMetrics: false`: none). */
  metricsPort?: number;
  serveMetrics?: boolean;
  nodeName?: string;
  upstreams?: string[];
  metricsRegistry?: Registry;
  log: Logger;
  link?: string;
  netns?: string;
}

export interface NodeLocalClusterDns extends ClusterDns {
  metricsAddress(): { address: string; port: number } | undefined;
}

/**
 * Root only (iproute2): the dummy link and address, the DNS server on clusterDns:53 (UDP+TCP),
 * CoreDNS-style /metrics on clusterDns:9153, and the kube-dns Service with its endpoints.
 */
export async function startNodeLocalClusterDns(o: NodeLocalClusterDnsOptions): Promise<NodeLocalClusterDns> {
  await prepareClusterDnsAddress({ clusterDns: o.clusterDns, link: o.link, netns: o.netns });
  const port = o.port ?? 53;
  const dns = await startClusterDns({
    transport: o.transport, informers: o.informers, clusterDomain: o.clusterDomain, listen: [{ address: o.clusterDns, port }],
    upstreams: o.upstreams, metricsRegistry: o.metricsRegistry, log: o.log,
  });
  let metricsServer: http.Server | undefined;
  let metricsAt: { address: string; port: number } | undefined;
  try {
    if (o.serveMetrics !== false) {
      metricsServer = http.createServer((req, res) => {
        if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
        dns.metrics().then((text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text), () => res.writeHead(500).end());
      });
      await new Promise<void>((resolve, reject) => {
        metricsServer!.once('error', reject);
        metricsServer!.listen(o.metricsPort ?? 9153, o.clusterDns, () => resolve());
      });
      const a = metricsServer.address();
      if (a && typeof a === 'object') metricsAt = { address: o.clusterDns, port: a.port };
    }
  } catch (e) {
    metricsServer?.close();
    await dns.stop();
    throw e;
  }
  // Pods reach the server without the Service (the address is local to the node), so a Service
  // that cannot be written yet (API busy, address taken) is retried in the background, not fatal.
  const svcOpts = { clusterDns: o.clusterDns, listenAddress: o.clusterDns, port: dns.addresses()[0]!.port, metricsPort: metricsAt?.port ?? 9153, nodeName: o.nodeName };
  const client = new RestClient(o.transport, { fieldManager: 'kites-dns' });
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const ensureService = async (delayMs: number): Promise<void> => {
    try {
      await ensureClusterDnsService(client, svcOpts);
    } catch (e) {
      if (stopped) return;
      o.log.warn('could not write kube-system/kube-dns; retrying', { err: e, inMs: delayMs });
      retry = setTimeout(() => void ensureService(Math.min(delayMs * 2, 60_000)), delayMs);
    }
  };
  await ensureService(1000);
  return {
    ...dns,
    metricsAddress: () => metricsAt,
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      await new Promise<void>((r) => (metricsServer ? metricsServer.close(() => r()) : r()));
      await dns.stop();
    },
  };
}
