import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { ServiceAccountTokens } from './serviceaccount-tokens.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('ServiceAccountTokens', () => {
  it('issues tokens it accepts until they expire', () => {
    const t = new ServiceAccountTokens(key);
    const now = new Date('2026-01-01T00:00:00Z');
    const { token, expirationTimestamp } = t.issue({ namespace: 'ns', name: 'sa', uid: 'u1', audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, now });
    expect(expirationTimestamp).toBe('2026-01-01T01:00:00Z');
    expect(t.authenticate(token, now)).toEqual({ username: 'system:serviceaccount:ns:sa', uid: 'u1', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] });
    expect(t.authenticate(token, new Date('2026-01-01T02:00:00Z'))).toBeUndefined();
    expect(t.authenticate(token.slice(0, -4) + 'AAAA', now)).toBeUndefined();
    expect(new ServiceAccountTokens(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).authenticate(token, now)).toBeUndefined();
  });
});
