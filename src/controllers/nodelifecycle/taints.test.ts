import { describe, expect, it } from 'vitest';
import { desiredTaints, isControllerTaint, minTolerationMs, toleratesTaint, usedTolerations } from './taints.js';

describe('taints and tolerations', () => {
  const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  it('matches as upstream ToleratesTaint', () => {
    expect(toleratesTaint({ operator: 'Exists' }, unreachable)).toBe(true);
    expect(toleratesTaint({ key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }, unreachable)).toBe(false);
    expect(toleratesTaint({ key: unreachable.key }, unreachable)).toBe(true);
    expect(toleratesTaint({ key: unreachable.key, value: 'x' }, unreachable)).toBe(false);
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, unreachable)).toBe(false);
  });
  it('an untolerated taint evicts at once; the least tolerationSeconds wins; none means forever', () => {
    expect(usedTolerations([], [unreachable])).toBeUndefined();
    const used = usedTolerations([{ operator: 'Exists', tolerationSeconds: 60 }, { key: unreachable.key, operator: 'Exists', tolerationSeconds: 30 }], [unreachable])!;
    expect(minTolerationMs(used)).toBe(30_000);
    expect(minTolerationMs([{ operator: 'Exists' }])).toBe(Infinity);
    expect(minTolerationMs([{ operator: 'Exists', tolerationSeconds: -5 }])).toBe(0);
  });
  it('taints follow the conditions', () => {
    expect(desiredTaints([{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'True' }])).toEqual([{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]);
    expect(desiredTaints([{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'True' }], false)).toEqual([]);
    expect(desiredTaints([{ type: 'Ready', status: 'False' }]).map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    expect(isControllerTaint({ key: 'node.kubernetes.io/disk-pressure', effect: 'NoExecute' })).toBe(false);
    expect(isControllerTaint({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' })).toBe(true);
  });
});
