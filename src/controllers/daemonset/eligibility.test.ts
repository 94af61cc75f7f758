import { describe, it, expect } from 'vitest';
import { nodeShouldRunDaemonPod, targetNodeName, withDaemonTolerations, type NodeObject } from './eligibility.js';
import { scaledValue } from './daemonset-controller.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Array<{ key: string; effect: string; value?: string }> = []): NodeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels, uid: name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { taints },
} as NodeObject);

describe('daemon pod placement', () => {
  it('keeps existing pods on NoSchedule taints but not on NoExecute ones', () => {
    const spec = { containers: [] };
    expect(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'x', effect: 'NoSchedule' }]), spec)).toEqual({ shouldRun: false, shouldContinueRunning: true });
    expect(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'x', effect: 'NoExecute' }]), spec)).toEqual({ shouldRun: false, shouldContinueRunning: false });
    expect(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]), spec).shouldRun).toBe(true);
    expect(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), spec).shouldRun).toBe(true);
  });
  it('adds network-unavailable only for hostNetwork pods', () => {
    expect(withDaemonTolerations({ containers: [], hostNetwork: true }).map((t) => t.key)).toContain('node.kubernetes.io/network-unavailable');
    expect(withDaemonTolerations({ containers: [] }).map((t) => t.key)).not.toContain('node.kubernetes.io/network-unavailable');
  });
  it('matches nodeSelector, affinity and nodeName', () => {
    expect(nodeShouldRunDaemonPod(node('a', { d: 'ssd' }), { containers: [], nodeSelector: { d: 'hdd' } }).shouldRun).toBe(false);
    expect(nodeShouldRunDaemonPod(node('a'), { containers: [], nodeName: 'b' }).shouldRun).toBe(false);
    const pinned = { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } } } };
    expect(nodeShouldRunDaemonPod(node('a'), pinned).shouldRun).toBe(true);
    expect(nodeShouldRunDaemonPod(node('b'), pinned).shouldRun).toBe(false);
    expect(targetNodeName(pinned)).toBe('a');
  });
  it('scales int-or-percent values up', () => {
    expect(scaledValue('25%', 5, 1)).toBe(2);
    expect(scaledValue(3, 5, 1)).toBe(3);
    expect(scaledValue(undefined, 5, 1)).toBe(1);
  });
});
