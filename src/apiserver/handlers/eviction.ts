// pods/eviction (policy/v1 Eviction): a delete that respects PodDisruptionBudgets, as `kubectl
// drain` uses it. Like upstream, a pod that is terminal or still pending is evicted freely; a
// pod covered by a budget is evicted only while the budget's status allows a disruption, which
// is then spent (disruptedPods) before the delete; otherwise 429 so the client retries.
import { errors, StatusError } from '../../api/errors.js';
import type { KubeObject, StoredObject } from '../../api/types.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import type { ApiResponder } from '../http/api-request.js';
import type { DecodedBody } from '../http/body.js';
import type { DeleteOptions, GenericRegistry, RequestContext } from '../registry/generic-registry.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { nowTimestamp } from '../registry/codec.js';
import type { Store } from '../../storage/store.js';
import { listPage } from '../registry/list.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export async function evictPod(pods: GenericRegistry, pdbs: GenericRegistry, store: Store, ri: ResourceRequestInfo, body: DecodedBody, ctx: RequestContext, res: ApiResponder): Promise<void> {
  const eviction = body.object;
  if (eviction.kind && eviction.kind !== 'Eviction') throw errors.badRequest(`the body must be an Eviction, not ${String(eviction.kind)}`);
  if (eviction.metadata?.name && eviction.metadata.name !== ri.name) throw errors.badRequest(`name in URL does not match name in Eviction object`);
  const options = rec(eviction.deleteOptions) as DeleteOptions;
  const pod = await pods.get(ri.namespace, ri.name);
  const phase = rec(pod.status).phase;
  const free = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
  if (!free) {
    const page = await listPage(store, { prefix: pdbs.listPrefix(ri.namespace), resourcePrefix: pdbs.resourcePrefix(), convert: pdbs.fromStorage });
    const matching = page.items.filter((pdb) => {
      const sel = rec(pdb.spec).selector;
      if (sel === undefined || sel === null) return false;
      const s = labelSelectorFromObject(sel as never);
      return !s.empty() && s.matches(pod.metadata.labels);
    });
    if (matching.length > 1) throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (matching.length === 1) await spendDisruption(pdbs, matching[0], pod, ctx);
  }
  await pods.delete(ri.namespace, ri.name, options, ctx);
  res.object(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

async function spendDisruption(pdbs: GenericRegistry, pdb: StoredObject, pod: StoredObject, ctx: RequestContext): Promise<void> {
  const name = pdb.metadata.name;
  const refuse = (status: Obj) => new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
    causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${name} needs ${Number(status.desiredHealthy ?? 0)} healthy pods and has ${Number(status.currentHealthy ?? 0)} currently` }],
    // No Retry-After, as upstream: client-go would retry it silently; kubectl drain reports and retries itself.
  });
  try {
    await pdbs.guaranteedUpdate(pdb.metadata.namespace ?? '', name, ctx, 'status', (cur) => {
      const status = rec(cur.status);
      if ((cur.metadata.generation ?? 0) > Number(status.observedGeneration ?? 0)) {
        throw new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget is still being processed by the server.' }], retryAfterSeconds: 10 });
      }
      const allowed = Number(status.disruptionsAllowed ?? 0);
      if (allowed <= 0) throw refuse(status);
      const disrupted = { ...rec(status.disruptedPods), [pod.metadata.name]: nowTimestamp(ctx.now()) };
      return { ...cur, status: { ...status, disruptionsAllowed: allowed - 1, disruptedPods: disrupted } } as KubeObject;
    }, pdb);
  } catch (e) {
    // Someone else spent a disruption meanwhile: the client retries, as with upstream's conflict.
    if (e instanceof StatusError && e.reason === 'Conflict') throw new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', { retryAfterSeconds: 1 });
    throw e;
  }
}
