// TLS termination: `spec.tls` entries name a kubernetes.io/tls Secret (tls.crt / tls.key) in the
// Ingress's namespace for a list of hosts; the listener picks the certificate by SNI, exact host
// first, then a `*.domain` entry, then a self-signed fallback (ingress-nginx's "Kubernetes Ingress
// Controller Fake Certificate" idea) so clients without SNI or unknown hosts still complete a
// handshake and get the 404.
import { createSecureContext, type SecureContext } from 'node:tls';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { Secret } from 'kubernetes-types/core/v1.js';
import { createCertificate } from '../../api/x509/certificate.js';
import type { Logger } from '../../api/log.js';

export interface KeyPair {
  cert: string;
  key: string;
}

/** A self-signed serving certificate (ECDSA P-256, one year). */
export function selfSignedCertificate(commonName: string, dnsNames: string[] = [commonName]): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const cert = createCertificate({
    commonName, notBefore: new Date(now - 60_000), notAfter: new Date(now + 365 * 24 * 3600_000),
    publicKey, usage: 'server', sans: { dns: dnsNames, ips: [] },
  }, { key: privateKey });
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/**
 * The default certificate of the HTTPS listener: an RSA key (issued by a throwaway ECDSA CA, as
 * the cluster's DER writer only signs with ECDSA). It must be RSA: node applies an SNI context with
 * SSL_use_certificate, which fills the slot of that certificate's key type and leaves the default's
 * other slots in place, and TLS 1.3 clients list ECDSA signature schemes first — an ECDSA default
 * would win over every RSA certificate from a Secret (most of them).
 */
export function fallbackCertificate(commonName: string, dnsNames: string[]): KeyPair {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leaf = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 365 * 24 * 3600_000) };
  const caCert = createCertificate({ commonName: `${commonName} CA`, ...validity, publicKey: ca.publicKey, usage: 'ca' }, { key: ca.privateKey });
  const cert = createCertificate({ commonName, ...validity, publicKey: leaf.publicKey, usage: 'server', sans: { dns: dnsNames, ips: [] } },
    { cert: new X509Certificate(caCert), key: ca.privateKey });
  return { cert, key: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export class CertificateStore {
  private byHost = new Map<string, SecureContext>();
  readonly fallback: SecureContext;

  constructor(private readonly log: Logger, readonly fallbackPair: KeyPair = fallbackCertificate('Kites Ingress Controller Fake Certificate', ['ingress.local'])) {
    this.fallback = createSecureContext(fallbackPair);
  }

  /** Rebuilds the host → certificate map from the served Ingresses and a Secret lookup. */
  rebuild(ingresses: Ingress[], secret: (namespace: string, name: string) => Secret | undefined): void {
    const next = new Map<string, SecureContext>();
    const contexts = new Map<string, SecureContext | null>();
    for (const ing of ingresses) {
      const ns = ing.metadata?.namespace ?? 'default';
      for (const t of ing.spec?.tls ?? []) {
        if (!t.secretName) continue;
        const key = `${ns}/${t.secretName}`;
        let ctx = contexts.get(key);
        if (ctx === undefined) {
          ctx = this.secretContext(secret(ns, t.secretName), key);
          contexts.set(key, ctx);
        }
        if (!ctx) continue;
        for (const h of t.hosts ?? []) {
          const host = h.toLowerCase();
          if (!next.has(host)) next.set(host, ctx); // the first (oldest) Ingress wins a host
        }
      }
    }
    this.byHost = next;
  }

  /** The context for an SNI name (exact, then wildcard, then the fallback). */
  contextFor(servername: string | undefined): SecureContext {
    const name = (servername ?? '').toLowerCase();
    const exact = this.byHost.get(name);
    if (exact) return exact;
    const dot = name.indexOf('.');
    if (dot > 0) {
      const wild = this.byHost.get(`*${name.slice(dot)}`);
      if (wild) return wild;
    }
    return this.fallback;
  }

  private secretContext(s: Secret | undefined, key: string): SecureContext | null {
    const crt = s?.data?.['tls.crt'];
    const k = s?.data?.['tls.key'];
    if (!crt || !k) {
      this.log.debug('TLS secret missing or incomplete; using the default certificate', { secret: key });
      return null;
    }
    try {
      return createSecureContext({ cert: Buffer.from(crt, 'base64'), key: Buffer.from(k, 'base64') });
    } catch (err) {
      this.log.warn('TLS secret holds an unusable certificate or key; using the default certificate', { secret: key, err });
      return null;
    }
  }
}
