import { describe, expect, it } from 'vitest';
import type { PodObject } from '../common/types.js';
import type { ServiceObject } from '../endpointslice/types.js';
import { desiredSubsets, truncateSubsets } from './subsets.js';

const svc = (spec: ServiceObject['spec']): ServiceObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 's', resourceVersion: '1', creationTimestamp: '' }, spec,
});
const pod = (name: string, ip: string, ready = true, ports: Array<{ name: string; containerPort: number }> = [], deleting = false): PodObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `u-${name}`, resourceVersion: '1', creationTimestamp: '', ...(deleting ? { deletionTimestamp: 'x' } : {}) },
  spec: { containers: [{ name: 'c', ports }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('legacy Endpoints subsets', () => {
  it('groups addresses by the ports they serve, sorted, ready apart from not ready', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    const subsets = desiredSubsets(s, [
      pod('b', '10.0.0.10', true, [{ name: 'web', containerPort: 8080 }]),
      pod('a', '10.0.0.9', false, [{ name: 'web', containerPort: 8080 }]),
      pod('c', '10.0.0.2', true, [{ name: 'web', containerPort: 9090 }]),
      pod('d', '10.0.0.3', true),
      pod('e', '10.0.0.4', true, [{ name: 'web', containerPort: 8080 }], true),
    ]);
    expect(subsets.map((x) => [x.addresses?.map((a) => a.ip), x.notReadyAddresses?.map((a) => a.ip), x.ports?.map((p) => p.port)])).toEqual([
      [['10.0.0.10'], ['10.0.0.9'], [8080]],
      [['10.0.0.2'], undefined, [9090]],
    ]);
  });

  it('lists headless Services without ports as addresses only; publishNotReadyAddresses keeps terminating pods, ready', () => {
    const subsets = desiredSubsets(svc({ clusterIP: 'None', publishNotReadyAddresses: true }), [pod('a', '10.0.0.1', false), pod('b', '10.0.0.2', true, [], true)]);
    expect(subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.0.0.1' }), expect.objectContaining({ ip: '10.0.0.2' })] }]);
  });

  it('truncates to the capacity, ready addresses first', () => {
    const addr = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ ip: `${p}.${i}` }));
    const subsets = [{ addresses: addr(8, 'a'), notReadyAddresses: addr(4, 'b'), ports: [{ port: 1 }] }];
    expect(truncateSubsets(subsets, 10)).toBe(true);
    expect(subsets[0]!.addresses).toHaveLength(8);
    expect(subsets[0]!.notReadyAddresses).toHaveLength(2);
    const many = [{ addresses: addr(12, 'a'), notReadyAddresses: addr(4, 'b') }];
    truncateSubsets(many, 10);
    expect(many[0]!.addresses).toHaveLength(10);
    expect(many[0]!.notReadyAddresses).toBeUndefined();
    expect(truncateSubsets([{ addresses: addr(3, 'a') }], 10)).toBe(false);
  });
});
