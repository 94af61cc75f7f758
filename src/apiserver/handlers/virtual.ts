// Create-only review resources that are answered, never stored: access reviews (every
// authenticated user is an administrator until RBAC enforcement lands), self-subject reviews.
import type { ResourceInfo } from '../../api/resources/types.js';
import { errors } from '../../api/errors.js';
import type { ApiRequest, ApiResponder, UserInfo } from '../http/api-request.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { decodeBody } from '../http/body.js';

export function isVirtual(info: ResourceInfo): boolean {
  return !!info.virtual;
}

export async function handleVirtual(info: ResourceInfo, ri: ResourceRequestInfo, req: ApiRequest, res: ApiResponder, authenticate: (token: string) => UserInfo | undefined): Promise<void> {
  if (ri.verb !== 'create') throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  const obj = decodeBody(await req.body(), req.headers['content-type']).object;
  const apiVersion = `${info.group}/${info.version}`;
  const out: Record<string, unknown> = { ...obj, apiVersion, kind: info.kind, metadata: { ...(obj.metadata ?? {}), creationTimestamp: null } };
  const admin = req.user.groups.includes('system:masters');
  switch (info.resource) {
    case 'selfsubjectaccessreviews':
    case 'subjectaccessreviews':
    case 'localsubjectaccessreviews':
      out.status = admin ? { allowed: true, reason: 'the user is a member of system:masters' } : { allowed: false, reason: 'RBAC is not enforced yet; only system:masters is allowed' };
      break;
    case 'selfsubjectrulesreviews':
      out.status = {
        resourceRules: admin ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] : [],
        nonResourceRules: admin ? [{ verbs: ['*'], nonResourceURLs: ['*'] }] : [],
        incomplete: false,
      };
      break;
    case 'selfsubjectreviews':
      out.status = { userInfo: { username: req.user.username, ...(req.user.uid ? { uid: req.user.uid } : {}), groups: req.user.groups } };
      break;
    case 'tokenreviews': {
      const token = String((obj.spec as { token?: unknown } | undefined)?.token ?? '');
      const user = token ? authenticate(token) : undefined;
      out.status = user ? { authenticated: true, user: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups }, audiences: ['https://kubernetes.default.svc.cluster.local'] } : { authenticated: false, error: 'invalid bearer token' };
      break;
    }
    default:
      throw errors.notFound(info.group, info.resource, '');
  }
  res.object(201, out);
}
