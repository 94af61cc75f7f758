// A DaemonSet's pod for one node (upstream CreatePodsOnNodes + util.CreatePodTemplate): the
// template with the revision hash and template-generation labels, the daemon tolerations, and a
// required node affinity pinning it to the node by metadata.name, which the scheduler then binds
// (upstream ReplaceDaemonSetPodNodeNameNodeAffinity replaces the required node selector terms).
import type { DaemonSetSpec, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../api/types.js';
import { newControllerRef } from '../common/owner.js';
import { podFromTemplate } from '../common/pod-control.js';
import { podRevisionLabel } from '../statefulset/revisions.js';
import { withDaemonTolerations } from './eligibility.js';

export type DaemonSetObject = StoredObject & { spec: DaemonSetSpec; status?: DaemonSetStatus };
export const daemonSetsResource = { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true } as const;
export const templateGenerationLabel = 'pod-template-generation';

export function daemonPod(ds: DaemonSetObject, nodeName: string, hash: string): KubeObject {
  const pod = podFromTemplate(ds.spec.template, ds.metadata.name, newControllerRef(ds, 'apps/v1', 'DaemonSet'));
  const meta = pod.metadata!;
  meta.labels = { ...meta.labels, [podRevisionLabel]: hash, [templateGenerationLabel]: String(ds.metadata.generation ?? 1) };
  const spec = pod.spec as PodSpec;
  spec.tolerations = withDaemonTolerations(spec);
  spec.affinity = {
    ...(spec.affinity ?? {}),
    nodeAffinity: {
      ...(spec.affinity?.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
      },
    },
  };
  return pod;
}
