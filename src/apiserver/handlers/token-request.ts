// serviceaccounts/token: TokenRequest (authentication.k8s.io/v1), what `kubectl create token`
// and projected service-account token volumes use.
import { errors, fieldErrors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { ApiResponder } from '../http/api-request.js';
import type { DecodedBody } from '../http/body.js';
import type { GenericRegistry, RequestContext } from '../registry/generic-registry.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ServiceAccountTokens } from '../auth/serviceaccount-tokens.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export async function requestToken(serviceAccounts: GenericRegistry, tokens: ServiceAccountTokens, ri: ResourceRequestInfo, body: DecodedBody, ctx: RequestContext, res: ApiResponder): Promise<void> {
  const sa = await serviceAccounts.get(ri.namespace, ri.name);
  const req = body.object;
  if (req.kind && req.kind !== 'TokenRequest') throw errors.badRequest(`the body must be a TokenRequest, not ${String(req.kind)}`);
  const spec = rec(req.spec);
  const expirationSeconds = spec.expirationSeconds === undefined ? 3600 : Number(spec.expirationSeconds);
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < 600) {
    throw errors.invalid('authentication.k8s.io', 'TokenRequest', ri.name, [fieldErrors.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  }
  if (expirationSeconds > 2 ** 32) {
    throw errors.invalid('authentication.k8s.io', 'TokenRequest', ri.name, [fieldErrors.tooLong('spec.expirationSeconds', expirationSeconds, 2 ** 32)]);
  }
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : [tokens.issuer];
  const bound = rec(spec.boundObjectRef);
  const issued = tokens.issue({
    namespace: ri.namespace, name: ri.name, uid: sa.metadata.uid, audiences, expirationSeconds, now: ctx.now(),
    ...(bound.kind ? { boundObject: { kind: String(bound.kind), name: String(bound.name ?? ''), uid: String(bound.uid ?? '') } } : {}),
  });
  const out: KubeObject = {
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: ri.name, namespace: ri.namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: issued,
  };
  res.object(201, out);
}
