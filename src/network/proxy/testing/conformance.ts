// One behaviour suite every service proxy mode must pass (as hono runs one router suite against
// every router): real traffic through real rules inside test-created network namespaces, with
// Services and EndpointSlices served by an in-memory API. A mode that cannot do something by
// design (the userspace mode cannot preserve client source IPs) says so in `capabilities`, and
// those cases are skipped with the reason visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient } from '../../../client/rest-client.js';
import { FakeApi } from '../../../client/testing/fake-api.js';
import { createLogger } from '../../../api/log.js';
import { runHostCommand } from '../../host/command.js';
import { endpointSlicesResource, servicesResource, type EndpointSliceObject, type ServiceObject, type ServiceSpec } from '../api-objects.js';
import { startServiceProxy, type ServiceProxy, type StartServiceProxyOptions } from '../index.js';
import { createNetnsEnv, netnsUnavailableReason, probe, type NetnsEnv, type ProbeResult } from './netns-env.js';

export interface ConformanceCapabilities {
  /** externalTrafficPolicy Local keeps the client's source address. */
  sourceIPPreservation: boolean;
  /** NodePorts answer on 127.0.0.1. */
  nodePortOnLocalhost: boolean;
  /** Traffic to status.loadBalancer.ingress IPs routed to the node reaches the service. */
  loadBalancerIPs: boolean;
  /** A service without endpoints refuses connections at once (instead of timing out). */
  rejectWithoutEndpoints: boolean;
  /** Pods reach services (another pod, or themselves: hairpin). */
  podToService: boolean;
}

export interface ServiceProxyConformanceOptions {
  mode: StartServiceProxyOptions['mode'];
  capabilities?: Partial<ConformanceCapabilities>;
  /** Merged into startServiceProxy's options (e.g. mode-specific settings). */
  proxyOptions?: Partial<StartServiceProxyOptions>;
  /** Skip the whole suite with this reason (e.g. a missing binary). */
  skipReason?: string;
  /** Log proxy output (debugging). */
  verbose?: boolean;
}

const allCapabilities: ConformanceCapabilities = {
  sourceIPPreservation: true, nodePortOnLocalhost: true, loadBalancerIPs: true, rejectWithoutEndpoints: true, podToService: true,
};

const nodeName = 'node-a';

/** Polls `check` until it returns true (or throws its last failure after `timeoutMs`). */
async function eventually(check: () => Promise<void>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const pods = (rs: ProbeResult[]) => new Set(rs.map((r) => r.pod ?? `error:${r.error}`));
const answer = (r: ProbeResult) => ({ pod: r.pod, client: r.client, error: r.error });

export function describeServiceProxyConformance(opts: ServiceProxyConformanceOptions): void {
  const caps = { ...allCapabilities, ...opts.capabilities };
  const skip = opts.skipReason ?? netnsUnavailableReason();
  const title = `service proxy conformance (${opts.mode})${skip ? ` — skipped: ${skip}` : ''}`;

  describe.skipIf(!!skip)(title, () => {
    let env: NetnsEnv;
    let proxy: ServiceProxy;
    const api = new FakeApi();
    const client = new RestClient(api);
    const services = client.resource<ServiceObject>(servicesResource);
    const slices = client.resource<EndpointSliceObject>(endpointSlicesResource);

    const createService = (name: string, spec: ServiceSpec, status?: ServiceObject['status']) =>
      services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec, status });
    const endpointsOf = (which: Array<{ pod: number; node?: string }>) => which.map(({ pod, node }) => ({
      addresses: [env.pods[pod]!.ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: node ?? nodeName,
    }));
    const sliceBody = (svc: string, which: Array<{ pod: number; node?: string }>, proto = 'TCP', port?: number) => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: `${svc}-abcde`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
      addressType: 'IPv4', endpoints: endpointsOf(which),
      ports: [{ name: 'p', port: port ?? (proto === 'UDP' ? env.udpPort : env.httpPort), protocol: proto }],
    });

    beforeAll(async () => {
      env = await createNetnsEnv();
      try {
        proxy = await startServiceProxy({
          transport: api, nodeName, nodeIPs: [env.nodeIP], clusterCidr: env.clusterCidr, mode: opts.mode, netns: env.node,
          minSyncPeriodMs: 100, retryPeriodMs: 1000, cleanup: true,
          log: opts.verbose ? createLogger({ level: 'debug' }) : undefined,
          ...opts.proxyOptions,
        });
        await proxy.synced();
      } catch (err) {
        await env.stop();
        throw err;
      }
    }, 30_000);

    afterAll(async () => {
      await proxy?.stop();
      await env?.stop();
    }, 30_000);

    it('ClusterIP: connections are balanced across all endpoints', async () => {
      await createService('balanced', { clusterIP: '10.43.0.10', ports: [{ name: 'p', port: 80, protocol: 'TCP' }] });
      await slices.create('default', sliceBody('balanced', [{ pod: 0 }, { pod: 1 }]));
      await eventually(async () => {
        expect(pods(await probe(env.node, { host: '10.43.0.10', port: 80, count: 30 }))).toEqual(new Set(['pod1', 'pod2']));
      });
    }, 20_000);

    it('ClientIP session affinity keeps a client on one endpoint', async () => {
      await createService('sticky', { clusterIP: '10.43.0.11', ports: [{ name: 'p', port: 80 }], sessionAffinity: 'ClientIP' });
      await slices.create('default', sliceBody('sticky', [{ pod: 0 }, { pod: 1 }]));
      await eventually(async () => {
        const seen = pods(await probe(env.node, { host: '10.43.0.11', port: 80, count: 20 }));
        expect(seen.size).toBe(1);
        expect([...seen][0]).toMatch(/^pod/);
      });
    }, 20_000);

    it('NodePort answers on the node IP, from the node and from outside', async () => {
      await createService('np', { type: 'NodePort', clusterIP: '10.43.0.12', ports: [{ name: 'p', port: 80, nodePort: 30080 }] });
      await slices.create('default', sliceBody('np', [{ pod: 0 }, { pod: 1 }]));
      await eventually(async () => {
        expect(pods(await probe(env.client, { host: env.nodeIP, port: 30080, count: 5 }))).not.toContain('error:ECONNREFUSED');
        for (const r of await probe(env.client, { host: env.nodeIP, port: 30080, count: 5 })) expect(r.pod).toMatch(/^pod/);
        for (const r of await probe(env.node, { host: env.nodeIP, port: 30080, count: 5 })) expect(r.pod).toMatch(/^pod/);
      });
    }, 20_000);

    it.skipIf(!caps.nodePortOnLocalhost)('NodePort answers on 127.0.0.1', async () => {
      await createService('nplo', { type: 'NodePort', clusterIP: '10.43.0.13', ports: [{ name: 'p', port: 80, nodePort: 30081 }] });
      await slices.create('default', sliceBody('nplo', [{ pod: 0 }]));
      await eventually(async () => {
        for (const r of await probe(env.node, { host: '127.0.0.1', port: 30081, count: 3 })) expect(r.pod).toBe('pod1');
      });
    }, 20_000);

    it.skipIf(!caps.rejectWithoutEndpoints)('a service without endpoints refuses connections at once', async () => {
      await createService('empty', { clusterIP: '10.43.0.14', ports: [{ name: 'p', port: 80 }] });
      await eventually(async () => {
        const [r] = await probe(env.node, { host: '10.43.0.14', port: 80, timeoutMs: 3000 });
        expect(r!.error).toBe('ECONNREFUSED');
        expect(r!.ms).toBeLessThan(1000);
      });
    }, 20_000);

    it('traffic follows endpoint changes', async () => {
      await createService('moving', { clusterIP: '10.43.0.15', ports: [{ name: 'p', port: 80 }] });
      const created = await slices.create('default', sliceBody('moving', [{ pod: 0 }]));
      await eventually(async () => {
        expect(pods(await probe(env.node, { host: '10.43.0.15', port: 80, count: 5 }))).toEqual(new Set(['pod1']));
      });
      const moved = await slices.update('default', { ...created, endpoints: endpointsOf([{ pod: 1 }]) });
      await eventually(async () => {
        expect(pods(await probe(env.node, { host: '10.43.0.15', port: 80, count: 5 }))).toEqual(new Set(['pod2']));
      });
      await slices.update('default', { ...moved, endpoints: [] });
      if (caps.rejectWithoutEndpoints) {
        await eventually(async () => {
          expect((await probe(env.node, { host: '10.43.0.15', port: 80, timeoutMs: 3000 }))[0]!.error).toBe('ECONNREFUSED');
        });
      }
    }, 30_000);

    it('terminating endpoints still serve while no endpoint is ready', async () => {
      await createService('rollout', { clusterIP: '10.43.0.21', ports: [{ name: 'p', port: 80 }] });
      const body = sliceBody('rollout', [{ pod: 0 }, { pod: 1 }]);
      body.endpoints[0]!.conditions = { ready: false, serving: true, terminating: true };
      body.endpoints[1]!.conditions = { ready: false, serving: false, terminating: true };
      await slices.create('default', body);
      await eventually(async () => {
        expect(pods(await probe(env.node, { host: '10.43.0.21', port: 80, count: 10 }))).toEqual(new Set(['pod1']));
      });
    }, 20_000);

    it('internalTrafficPolicy Local: the ClusterIP only reaches this node\'s endpoints', async () => {
      await createService('nodelocal', { clusterIP: '10.43.0.22', ports: [{ name: 'p', port: 80 }], internalTrafficPolicy: 'Local' });
      await slices.create('default', sliceBody('nodelocal', [{ pod: 0, node: 'node-b' }, { pod: 1 }]));
      await eventually(async () => {
        expect(pods(await probe(env.node, { host: '10.43.0.22', port: 80, count: 10 }))).toEqual(new Set(['pod2']));
      });
    }, 20_000);

    it('UDP services carry datagrams both ways', async () => {
      await createService('dns', { clusterIP: '10.43.0.16', ports: [{ name: 'p', port: 53, protocol: 'UDP' }] });
      await slices.create('default', sliceBody('dns', [{ pod: 0 }, { pod: 1 }], 'UDP'));
      await eventually(async () => {
        const rs = await probe(env.node, { proto: 'udp', host: '10.43.0.16', port: 53, count: 20, timeoutMs: 1000 });
        expect(pods(rs)).toEqual(new Set(['pod1', 'pod2']));
      });
    }, 30_000);

    it.skipIf(!caps.sourceIPPreservation)('externalTrafficPolicy Local: only local endpoints, client source IP kept', async () => {
      await createService('local', {
        type: 'NodePort', clusterIP: '10.43.0.17', ports: [{ name: 'p', port: 80, nodePort: 30082 }], externalTrafficPolicy: 'Local',
      });
      await slices.create('default', sliceBody('local', [{ pod: 0 }, { pod: 1, node: 'node-b' }]));
      await eventually(async () => {
        const rs = await probe(env.client, { host: env.nodeIP, port: 30082, count: 10 });
        for (const r of rs) expect(answer(r)).toEqual({ pod: 'pod1', client: env.clientIP, error: undefined });
      });
    }, 20_000);

    it.skipIf(!caps.loadBalancerIPs)('LoadBalancer ingress IPs reach the service', async () => {
      await createService('lb', { type: 'LoadBalancer', clusterIP: '10.43.0.18', ports: [{ name: 'p', port: 80, nodePort: 30083 }] },
        { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } });
      await slices.create('default', sliceBody('lb', [{ pod: 0 }, { pod: 1 }]));
      await eventually(async () => {
        for (const r of await probe(env.client, { host: '192.0.2.10', port: 80, count: 5 })) expect(r.pod).toMatch(/^pod/);
      });
    }, 20_000);

    it.skipIf(!caps.podToService)('pods reach services: another pod, and themselves (hairpin)', async () => {
      await createService('self', { clusterIP: '10.43.0.19', ports: [{ name: 'p', port: 80 }] });
      await slices.create('default', sliceBody('self', [{ pod: 0 }]));
      await createService('other', { clusterIP: '10.43.0.20', ports: [{ name: 'p', port: 80 }] });
      await slices.create('default', sliceBody('other', [{ pod: 1 }]));
      await eventually(async () => {
        for (const r of await probe(env.pods[0]!.netns, { host: '10.43.0.19', port: 80, count: 3 })) expect(r.pod).toBe('pod1');
        for (const r of await probe(env.pods[0]!.netns, { host: '10.43.0.20', port: 80, count: 3 })) expect(answer(r)).toEqual({ pod: 'pod2', client: env.pods[0]!.ip, error: undefined });
      });
    }, 20_000);

    // Runs last: stops the proxy.
    it('stop with cleanup removes every KUBE- rule and chain', async () => {
      await proxy.stop();
      const save = await runHostCommand('iptables-save', [], { netns: env.node }).catch(() => '');
      expect(save.split('\n').filter((l) => l.includes('KUBE-'))).toEqual([]);
    }, 20_000);
  });
}
