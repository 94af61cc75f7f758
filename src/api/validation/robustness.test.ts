// Validation and defaulting must answer with field errors, never crash, whatever the body holds.
import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaulting/index.js';
import type { KubeObject } from '../types.js';
import { validateObject, validateObjectUpdate, validateStatusUpdate } from './index.js';
import { registeredKinds } from './registry.js';

const junkValues: unknown[] = [null, 0, -1, 'x', true, [], [null], [1, 'a'], {}, { a: null }, [{}], [{ name: 5 }]];

// Objects whose every interesting field holds the given junk, at a few depths.
function junkObjects(): KubeObject[] {
  const out: KubeObject[] = [];
  for (const j of junkValues) {
    out.push({ metadata: { name: 'x', namespace: 'd', resourceVersion: '1' }, spec: j });
    out.push({
      metadata: { name: 'x', namespace: 'd', resourceVersion: '1', labels: j as never, annotations: j as never, finalizers: j as never, ownerReferences: j as never },
      spec: {
        selector: j, template: { metadata: { labels: j }, spec: { containers: j, volumes: j, initContainers: [j], affinity: j, tolerations: j } },
        containers: [{ name: 'c', image: 'i', ports: j, env: [j], resources: j, livenessProbe: j, volumeMounts: [j] }],
        ports: [j], rules: [j], strategy: j, updateStrategy: j, jobTemplate: j, schedule: j, names: j, versions: [j],
        metrics: [j], behavior: { scaleUp: j }, podSelector: j, ingress: [{ from: [j], ports: [j] }], hard: j, limits: [j],
        accessModes: j, resources: j, capacity: j, scaleTargetRef: j, group: j, scope: j, type: j, clusterIP: j, podCIDRs: j, taints: [j],
      },
      data: j, binaryData: j, type: j as never, roleRef: j, subjects: [j], rules: [j], endpoints: [j], addressType: j,
      subsets: [j], involvedObject: j, provisioner: j, parameters: j, value: j, status: { podIPs: [j], replicas: j, loadBalancer: j },
    });
    out.push({ metadata: j as never, spec: { template: j } });
  }
  return out;
}

describe('robustness', () => {
  it('never throws nor reports an internal error on malformed bodies', () => {
    const kinds = registeredKinds();
    expect(kinds.length).toBeGreaterThan(30);
    for (const [group, kind] of kinds) {
      for (const body of junkObjects()) {
        for (const version of ['v1', 'v2']) {
          const obj = structuredClone(body);
          expect(() => applyDefaults(group, version, kind, obj)).not.toThrow();
          const old = structuredClone(body);
          for (const errs of [
            validateObject(group, version, kind, obj, { namespaced: true }),
            validateObjectUpdate(group, version, kind, obj, old, { namespaced: true }),
            validateStatusUpdate(group, version, kind, obj, old, { namespaced: false }),
          ]) {
            const internal = errs.filter((e) => e.type === 'InternalError');
            expect(internal.map(String), `${group}/${kind} ${JSON.stringify(body).slice(0, 200)}`).toEqual([]);
          }
        }
      }
    }
  });
});
