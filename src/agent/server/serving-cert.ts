// A self-signed serving certificate for the agent's endpoint when none is configured. Upstream's
// API server does not verify the kubelet's serving certificate by default, so a throwaway
// self-signed one (the kubelet's own fallback, too) is enough. Issued with the cluster's DER
// writer (src/server/certificate.ts) rather than @peculiar/x509, whose load takes ~250 ms.
import { generateKeyPairSync } from 'node:crypto';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { createCertificate } from '../../api/x509/certificate.js';

export interface ServingCertificate { cert: string; key: string }

const DAY_MS = 24 * 60 * 60 * 1000;

export function createSelfSignedServingCertificate(opts: { nodeName?: string; addresses?: string[]; now?: Date } = {}): ServingCertificate {
  const now = opts.now ?? new Date();
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const names = new Set<string>(['localhost', opts.nodeName ?? hostname()]);
  const ips = new Set<string>(['127.0.0.1']);
  for (const a of opts.addresses ?? []) (isIP(a) ? ips : names).add(a);
  const cert = createCertificate({
    commonName: `${opts.nodeName ?? hostname()}@${Math.floor(now.getTime() / 1000)}`,
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    publicKey: keys.publicKey,
    usage: 'server',
    sans: { dns: [...names], ips: [...ips] },
  }, { key: keys.privateKey });
  return { cert, key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
