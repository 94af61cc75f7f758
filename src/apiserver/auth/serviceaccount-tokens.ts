// Service account tokens: ES256 JWTs signed with the cluster's service-account key, issued by
// the serviceaccounts/token subresource (TokenRequest, `kubectl create token`) and accepted as
// bearer tokens (user system:serviceaccount:<ns>:<name>), as upstream's bound tokens are.
import { createPrivateKey, createPublicKey, sign, verify, randomUUID, type KeyObject } from 'node:crypto';
import type { UserInfo } from '../http/api-request.js';

export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';

export interface IssueRequest {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  boundObject?: { kind: string; name: string; uid: string };
  now: Date;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class ServiceAccountTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;

  constructor(keyPem: string, readonly issuer = defaultIssuer) {
    this.privateKey = createPrivateKey(keyPem);
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = b64url(this.publicKey.export({ type: 'spki', format: 'der' }).subarray(-16));
  }

  issue(r: IssueRequest): { token: string; expirationTimestamp: string } {
    const iat = Math.floor(r.now.getTime() / 1000);
    const exp = iat + r.expirationSeconds;
    const claims = {
      aud: r.audiences, exp, iat, nbf: iat, iss: this.issuer, jti: randomUUID(),
      sub: `system:serviceaccount:${r.namespace}:${r.name}`,
      'kubernetes.io': {
        namespace: r.namespace,
        serviceaccount: { name: r.name, uid: r.uid },
        ...(r.boundObject ? { [r.boundObject.kind.toLowerCase()]: { name: r.boundObject.name, uid: r.boundObject.uid } } : {}),
      },
    };
    const head = b64url(JSON.stringify({ alg: 'ES256', kid: this.kid }));
    const body = b64url(JSON.stringify(claims));
    const sig = sign('sha256', Buffer.from(`${head}.${body}`), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${head}.${body}.${b64url(sig)}`, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  /** The user of a valid, unexpired token of ours; undefined otherwise. */
  authenticate(token: string, now = new Date()): UserInfo | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
      if (!ok) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: number; nbf?: number; iss?: string; sub?: string; 'kubernetes.io'?: { namespace?: string; serviceaccount?: { uid?: string } } };
      const t = now.getTime() / 1000;
      if (claims.iss !== this.issuer || (claims.exp && t > claims.exp) || (claims.nbf && t + 60 < claims.nbf) || !claims.sub?.startsWith('system:serviceaccount:')) return undefined;
      const ns = claims['kubernetes.io']?.namespace ?? '';
      return { username: claims.sub, uid: claims['kubernetes.io']?.serviceaccount?.uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] };
    } catch {
      return undefined;
    }
  }
}
