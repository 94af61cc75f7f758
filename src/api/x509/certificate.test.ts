import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificate } from './certificate.js';

const key = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const now = Date.now();
const span = { notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86_400_000) };

function pair() {
  const caKeys = key();
  const ca = createCertificate({ commonName: 'test-ca', ...span, publicKey: caKeys.publicKey, usage: 'ca' }, { key: caKeys.privateKey });
  const leafKeys = key();
  const leaf = createCertificate({
    commonName: 'kube-apiserver', ...span, publicKey: leafKeys.publicKey, usage: 'server',
    sans: { dns: ['localhost', 'kubernetes.default.svc'], ips: ['127.0.0.1', '::1', 'fd00:1::5'] },
  }, { cert: new X509Certificate(ca), key: caKeys.privateKey });
  const clientKeys = key();
  const client = createCertificate({ commonName: 'system:admin', organizations: ['system:masters'], ...span, publicKey: clientKeys.publicKey, usage: 'client' },
    { cert: new X509Certificate(ca), key: caKeys.privateKey });
  return { ca, leaf, client };
}

/** openssl's output, or undefined when openssl is not installed. */
function openssl(args: string[]): string | undefined {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`openssl ${args.join(' ')}: ${(err as { stderr?: string }).stderr ?? err}`);
  }
}

describe('createCertificate', () => {
  it('makes a CA and leaves that node parses, chains and checks', () => {
    const { ca, leaf, client } = pair();
    const c = new X509Certificate(ca), l = new X509Certificate(leaf), u = new X509Certificate(client);
    expect(c.ca).toBe(true);
    expect(c.verify(c.publicKey)).toBe(true);
    expect(l.ca).toBe(false);
    expect(l.checkIssued(c) && l.verify(c.publicKey)).toBe(true);
    expect(l.subject).toBe('CN=kube-apiserver');
    expect(l.issuer).toBe('CN=test-ca');
    expect(l.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(l.checkIP('::1')).toBe('::1');
    expect(l.checkIP('fd00:1::5')).toBe('fd00:1::5');
    expect(u.subject).toBe('O=system:masters\nCN=system:admin');
    expect(u.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(l.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('passes openssl verify with the intended purposes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-cert-'));
    try {
      const { ca, leaf, client } = pair();
      for (const [n, pem] of Object.entries({ ca, leaf, client })) writeFileSync(join(dir, `${n}.pem`), pem);
      const serverOk = openssl(['verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', 'sslserver', join(dir, 'leaf.pem')]);
      if (serverOk === undefined) return;
      expect(serverOk).toContain('OK');
      expect(openssl(['verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', 'sslclient', join(dir, 'client.pem')])).toContain('OK');
      expect(() => openssl(['verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', 'sslserver', join(dir, 'client.pem')])).toThrow();
      const text = openssl(['x509', '-noout', '-text', '-in', join(dir, 'ca.pem')])!;
      expect(text).toContain('CA:TRUE');
      expect(text).toContain('Certificate Sign, CRL Sign');
      expect(text).toContain('Version: 3 (0x2)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
