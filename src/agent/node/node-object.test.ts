import { describe, it, expect } from 'vitest';
import { nodeConditions, conditionsChanged, nodeObject, nodeResources, type NodeIdentity } from './node-object.js';

const id: NodeIdentity = {
  name: 'n1', address: '10.0.0.1', kubeletPort: 10250, controlPlane: true,
  runtime: { runtimeName: 'process', runtimeVersion: '0.1.0', limitations: ['no isolation'] },
  facts: { hostname: 'h', machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: 'k', osImage: 'o', architecture: 'amd64', cpuCores: 4, memoryBytes: 8 * 1024 ** 3, storageBytes: 100 * 1024 ** 3 },
};

describe('node object', () => {
  it('states capacity and allocatable with the eviction reserves taken out', () => {
    const r = nodeResources(id);
    expect(r.capacity).toEqual({ cpu: '4', 'ephemeral-storage': '104857600Ki', memory: '8388608Ki', pods: '110' });
    expect(r.allocatable.memory).toBe('8286208Ki');
    expect(r.allocatable.cpu).toBe('4');
  });

  it('labels, nodeInfo and the runtime limits', () => {
    const n = nodeObject(id, nodeConditions(undefined, { memory: false, disk: false, pid: false }, 0)) as any;
    expect(n.metadata.labels['node-role.kubernetes.io/control-plane']).toBe('true');
    expect(n.metadata.labels['kubernetes.io/arch']).toBe('amd64');
    expect(n.metadata.annotations['kites.io/runtime-limitations']).toBe('no isolation');
    expect(n.status.nodeInfo.containerRuntimeVersion).toBe('process://kites-0.1.0');
    expect(n.status.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
  });

  it('keeps lastTransitionTime until a condition changes', () => {
    const a = nodeConditions(undefined, { memory: false, disk: false, pid: false }, 1000);
    const b = nodeConditions(a, { memory: false, disk: false, pid: false }, 61_000);
    expect(conditionsChanged(a, b)).toBe(false);
    expect(b[0]!.lastTransitionTime).toBe(a[0]!.lastTransitionTime);
    expect(b[0]!.lastHeartbeatTime).not.toBe(a[0]!.lastHeartbeatTime);
    const c = nodeConditions(b, { memory: true, disk: false, pid: false }, 62_000);
    expect(conditionsChanged(b, c)).toBe(true);
    expect(c[0]).toMatchObject({ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory' });
    expect(c.map((x) => x.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });
});
