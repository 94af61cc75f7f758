// The iptables mode puts its rules back soon after someone else wipes the tables (a firewall
// reload), thanks to the canary monitor: live, in throwaway netns.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RestClient } from '../../../client/rest-client.js';
import { FakeApi } from '../../../client/testing/fake-api.js';
import { runHostCommand } from '../../host/command.js';
import { startServiceProxy } from '../index.js';
import { createNetnsEnv, netnsUnavailableReason, probe } from '../testing/netns-env.js';

const skip = netnsUnavailableReason() ?? (existsSync('/usr/sbin/iptables-restore') || existsSync('/sbin/iptables-restore') ? undefined : 'needs iptables-restore');

describe('iptables mode after a table wipe', () => {
  it.skipIf(!!skip)(`reinstalls its rules within the monitor interval${skip ? ` — skipped: ${skip}` : ''}`, async () => {
    const env = await createNetnsEnv({ pods: 1 });
    const api = new FakeApi();
    const proxy = await startServiceProxy({
      transport: api, nodeName: 'node-a', nodeIPs: [env.nodeIP], clusterCidr: env.clusterCidr, mode: 'iptables', netns: env.node,
      minSyncPeriodMs: 50, iptablesMonitorIntervalMs: 300, fullSyncPeriodMs: 3_600_000, cleanup: true,
    });
    try {
      const client = new RestClient(api);
      await client.resource({ group: '', version: 'v1', resource: 'services', namespaced: true }).create('default', {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.43.0.10', ports: [{ name: 'p', port: 80 }] },
      });
      await client.resource({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true }).create('default', {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4', endpoints: [{ addresses: [env.pods[0]!.ip], nodeName: 'node-a' }], ports: [{ name: 'p', port: env.httpPort, protocol: 'TCP' }],
      });
      await proxy.synced();
      const works = async () => {
        for (let i = 0; i < 50; i++) {
          if ((await probe(env.node, { host: '10.43.0.10', port: 80, timeoutMs: 500 }))[0]!.pod === 'pod1') return true;
          await new Promise((r) => setTimeout(r, 100));
        }
        return false;
      };
      expect(await works()).toBe(true);
      // What a firewall reload does: every table replaced, our chains gone.
      await runHostCommand('iptables-restore', [], { netns: env.node, input: '*nat\nCOMMIT\n*filter\nCOMMIT\n*mangle\nCOMMIT\n' });
      expect(await runHostCommand('iptables-save', ['-t', 'nat'], { netns: env.node })).not.toContain('KUBE-SERVICES');
      expect(await works()).toBe(true);
    } finally {
      await proxy.stop();
      await env.stop();
    }
  }, 30_000);
});
