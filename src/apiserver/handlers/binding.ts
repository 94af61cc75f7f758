// pods/binding: how the scheduler assigns a pod to a node. Like upstream's assignPod it sets
// spec.nodeName once (a second binding is a Conflict) and marks PodScheduled=True.
import { errors, fieldErrors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { ApiResponder } from '../http/api-request.js';
import type { DecodedBody } from '../http/body.js';
import type { GenericRegistry, RequestContext } from '../registry/generic-registry.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { nowTimestamp } from '../registry/codec.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export async function bindPod(registry: GenericRegistry, ri: ResourceRequestInfo, body: DecodedBody, ctx: RequestContext, res: ApiResponder): Promise<void> {
  const binding = body.object;
  const target = rec(binding.target);
  const node = typeof target.name === 'string' ? target.name : '';
  if (binding.metadata?.name && binding.metadata.name !== ri.name) throw errors.badRequest(`the name of the binding (${binding.metadata.name}) does not match the pod (${ri.name})`);
  if (!node) throw errors.invalid('', 'Binding', ri.name, [fieldErrors.required('target.name')]);
  if (target.kind && target.kind !== 'Node') throw errors.badRequest(`target.kind: Unsupported value: "${String(target.kind)}": supported values: "Node"`);
  await registry.guaranteedUpdate(ri.namespace, ri.name, ctx, 'binding', (pod) => {
    if (pod.metadata.deletionTimestamp) throw errors.conflict('', 'pods', ri.name, `pod ${ri.name} is being deleted, cannot be assigned to a host`);
    const spec = rec(pod.spec);
    if (spec.nodeName) throw errors.conflict('', 'pods', ri.name, `pod ${ri.name} is already assigned to node "${String(spec.nodeName)}"`);
    const status = rec(pod.status);
    const conditions = (Array.isArray(status.conditions) ? status.conditions.map(rec) : []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp(ctx.now()) });
    return { ...pod, spec: { ...spec, nodeName: node }, status: { ...status, conditions } } as KubeObject;
  });
  res.object(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
