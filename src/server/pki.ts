// The cluster PKI, kept in <data-dir>/server/tls/ with k3s's file names:
//
//   server-ca.crt/.key                  signs serving certificates; clients trust it (kubeconfig CA data)
//   client-ca.crt/.key                  signs client certificates; the API server authenticates with it
//   serving-kube-apiserver.crt/.key     the API server's HTTPS certificate
//   client-admin.crt/.key               CN=system:admin, O=system:masters (the kubeconfig user)
//
// Two CAs as in k3s (and kubeadm's split of cluster CA and front-proxy CA): a leaked serving key
// cannot mint client identities. ECDSA P-256 keys from node:crypto and our own small certificate
// writer (certificate.ts) keep a first start's PKI in the low milliseconds.
// Everything is reused on restart; leaf certificates are reissued when they no longer fit (SANs
// changed, another CA, within 90 days of expiry — k3s renews at start-up on the same 90-day rule).
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createCertificate } from './certificate.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
const LEAF_VALIDITY_DAYS = 365;
const RENEW_BEFORE_DAYS = 90;

export interface CertificateAndKey {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

export interface SubjectAltNames {
  dns: string[];
  ips: string[];
}

export interface ClusterPki {
  serverCA: CertificateAndKey;
  clientCA: CertificateAndKey;
  serving: CertificateAndKey;
  admin: CertificateAndKey;
  /** File stems (e.g. `server-ca`) created or reissued by this call. */
  issued: string[];
  durationMs: number;
}

export interface EnsurePkiOptions {
  tlsDir: string;
  sans: SubjectAltNames;
  now?: () => Date;
}

/**
 * The serving certificate's names: the loopback names kubeconfigs use, the in-cluster names of the
 * `kubernetes` Service (as kube-apiserver adds them), the host name, a concrete bind address, and
 * the user's --tls-san values (IPs or DNS names).
 */
export function servingSans(opts: { hostname?: string; bindAddress?: string; tlsSans?: string[]; clusterDomain?: string; serviceIP?: string }): SubjectAltNames {
  const domain = opts.clusterDomain ?? 'cluster.local';
  const dns = new Set<string>(['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`]);
  const ips = new Set<string>(['127.0.0.1', '::1']); // canonical spellings
  const add = (v: string | undefined) => {
    const s = v?.trim();
    if (!s) return;
    if (isIP(s)) ips.add(canonicalIP(s));
    else if (/^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(s)) dns.add(s.toLowerCase());
  };
  add(opts.hostname);
  if (opts.bindAddress && opts.bindAddress !== '0.0.0.0' && opts.bindAddress !== '::') add(opts.bindAddress);
  if (opts.serviceIP) add(opts.serviceIP);
  for (const s of opts.tlsSans ?? []) add(s);
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

/** Loads the PKI from `tlsDir`, creating or reissuing what is missing or no longer fits. */
export async function ensureClusterPki(opts: EnsurePkiOptions): Promise<ClusterPki> {
  const started = performance.now();
  const now = opts.now ?? (() => new Date());
  const issued: string[] = [];
  const file = (stem: string) => ({ cert: join(opts.tlsDir, `${stem}.crt`), key: join(opts.tlsDir, `${stem}.key`) });

  const ensureCA = async (stem: string, commonName: string): Promise<LoadedPair> => {
    const existing = loadPair(file(stem));
    if (existing) return existing;
    const pair = await createCA(`${commonName}@${Math.floor(now().getTime() / 1000)}`, now());
    savePair(file(stem), pair);
    issued.push(stem);
    return pair;
  };
  const ensureLeaf = async (stem: string, ca: LoadedPair, spec: LeafSpec): Promise<LoadedPair> => {
    const existing = loadPair(file(stem));
    if (existing && (await leafStillFits(existing, ca, spec, now()))) return existing;
    const pair = await issueLeaf(ca, spec, now());
    savePair(file(stem), pair);
    issued.push(stem);
    return pair;
  };

  const serverCA = await ensureCA('server-ca', 'kites-server-ca');
  const clientCA = await ensureCA('client-ca', 'kites-client-ca');
  const serving = await ensureLeaf('serving-kube-apiserver', serverCA, { commonName: 'kube-apiserver', organizations: [], usage: 'server', sans: opts.sans });
  const admin = await ensureLeaf('client-admin', clientCA, { commonName: 'system:admin', organizations: ['system:masters'], usage: 'client' });
  return {
    serverCA: pem(serverCA), clientCA: pem(clientCA), serving: pem(serving), admin: pem(admin),
    issued, durationMs: performance.now() - started,
  };
}

/** Signs a client certificate with `ca` (node agents: CN=system:node:<name>, O=system:nodes). */
export async function issueClientCertificate(ca: CertificateAndKey, subject: { commonName: string; organizations?: string[] }, now = new Date()): Promise<CertificateAndKey> {
  const loaded: LoadedPair = { cert: new X509Certificate(ca.cert), certPem: ca.cert, keyPem: ca.key };
  return pem(await issueLeaf(loaded, { commonName: subject.commonName, organizations: subject.organizations ?? [], usage: 'client' }, now));
}

// ---- internals ----

interface LoadedPair {
  cert: X509Certificate;
  certPem: string;
  keyPem: string;
}

interface LeafSpec {
  commonName: string;
  organizations: string[];
  usage: 'server' | 'client';
  sans?: SubjectAltNames;
}

function pem(p: LoadedPair): CertificateAndKey {
  return { cert: p.certPem, key: p.keyPem };
}

function loadPair(f: { cert: string; key: string }): LoadedPair | undefined {
  if (!existsSync(f.cert) || !existsSync(f.key)) return undefined;
  const certPem = readFileSync(f.cert, 'utf8');
  const keyPem = readFileSync(f.key, 'utf8');
  try {
    return { cert: new X509Certificate(certPem), certPem, keyPem };
  } catch (err) {
    throw new Error(`cannot parse certificate ${f.cert}: ${(err as Error).message}`, { cause: err });
  }
}

function savePair(f: { cert: string; key: string }, p: LoadedPair): void {
  // Key first: a crash between the two writes leaves a key without its certificate, which the
  // next start treats as missing and replaces, never a certificate with a foreign key.
  writeAtomic(f.key, p.keyPem, 0o600);
  writeAtomic(f.cert, p.certPem, 0o644);
}

function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

function generateKey() {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

async function createCA(commonName: string, now: Date): Promise<LoadedPair> {
  const keys = generateKey();
  const certPem = createCertificate({
    commonName,
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    usage: 'ca',
  }, { key: keys.privateKey });
  return { cert: new X509Certificate(certPem), certPem, keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

async function issueLeaf(ca: LoadedPair, spec: LeafSpec, now: Date): Promise<LoadedPair> {
  const keys = generateKey();
  const certPem = createCertificate({
    commonName: spec.commonName,
    organizations: spec.organizations,
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter: new Date(Math.min(now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS, Date.parse(ca.cert.validTo))),
    publicKey: keys.publicKey,
    usage: spec.usage,
    sans: spec.sans,
  }, { cert: ca.cert, key: createPrivateKey(ca.keyPem) });
  return { cert: new X509Certificate(certPem), certPem, keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

async function leafStillFits(leaf: LoadedPair, ca: LoadedPair, spec: LeafSpec, now: Date): Promise<boolean> {
  if (Date.parse(leaf.cert.validTo) - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return false;
  if (!leaf.cert.checkIssued(ca.cert) || !leaf.cert.verify(ca.cert.publicKey)) return false;
  if (spec.sans) {
    const have = certificateSans(leaf.cert);
    if (!sameSet(have.dns, spec.sans.dns) || !sameSet(have.ips, spec.sans.ips.map(canonicalIP))) return false;
  }
  return true;
}

/** The DNS and IP names of a certificate's subjectAltName extension (IPs canonicalized). */
export function certificateSans(cert: X509Certificate | string): SubjectAltNames {
  const c = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  // node renders the extension as `DNS:a, DNS:b, IP Address:127.0.0.1` (our names need no quoting).
  const names = (c.subjectAltName ?? '').split(', ').filter((n) => n !== '');
  const of = (prefix: string) => names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  return {
    dns: of('DNS:').map((n) => n.toLowerCase()).sort(),
    ips: of('IP Address:').map(canonicalIP).sort(),
  };
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a), sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** One spelling per address (RFC 5952 for IPv6), so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
export function canonicalIP(ip: string): string {
  if (isIP(ip) !== 6 || ip.includes('.')) return ip.toLowerCase();
  const [head = '', tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = (tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t])
    .map((g) => Number.parseInt(g, 16).toString(16));
  // Compress the longest run (two or more) of zero groups, the first one on a tie.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
