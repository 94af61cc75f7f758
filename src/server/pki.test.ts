import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPki, servingSans, certificateSans, canonicalIP, issueClientCertificate } from './pki.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kites-pki-'));
}

describe('servingSans', () => {
  it('has loopback, kubernetes service names, host name, bind address and --tls-san values', () => {
    const s = servingSans({ hostname: 'box1', bindAddress: '10.0.0.5', tlsSans: ['api.example.com', '192.168.1.9', 'fd00::1'] });
    expect(s.dns).toEqual(['api.example.com', 'box1', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost']);
    expect(s.ips).toEqual(['10.0.0.5', '127.0.0.1', '192.168.1.9', '::1', 'fd00::1'].map(canonicalIP).sort());
  });
  it('leaves out a wildcard bind address', () => {
    expect(servingSans({ bindAddress: '0.0.0.0' }).ips).toEqual(['127.0.0.1', canonicalIP('::1')].sort());
  });
});

describe('canonicalIP', () => {
  it('spells IPv6 one way', () => {
    expect(canonicalIP('::1')).toBe(canonicalIP('0:0:0:0:0:0:0:1'));
    expect(canonicalIP('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIP('FD00:0::01')).toBe('fd00::1');
    expect(canonicalIP('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(canonicalIP('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(canonicalIP('::')).toBe('::');
    expect(canonicalIP('10.1.2.3')).toBe('10.1.2.3');
  });
});

describe('ensureClusterPki', () => {
  it('creates CAs, a serving and an admin certificate that verify, with private keys at 0600', async () => {
    const dir = tempDir();
    try {
      const sans = servingSans({ hostname: 'box1', tlsSans: ['10.9.8.7'] });
      const pki = await ensureClusterPki({ tlsDir: dir, sans });
      expect(pki.issued).toEqual(['server-ca', 'client-ca', 'serving-kube-apiserver', 'client-admin']);
      expect(pki.durationMs).toBeLessThan(2000);

      const serverCA = new X509Certificate(pki.serverCA.cert);
      const clientCA = new X509Certificate(pki.clientCA.cert);
      const serving = new X509Certificate(pki.serving.cert);
      const admin = new X509Certificate(pki.admin.cert);
      expect(serverCA.ca).toBe(true);
      expect(serving.verify(serverCA.publicKey)).toBe(true);
      expect(admin.verify(clientCA.publicKey)).toBe(true);
      expect(admin.verify(serverCA.publicKey)).toBe(false);
      expect(admin.subject).toContain('CN=system:admin');
      expect(admin.subject).toContain('O=system:masters');
      expect(serving.checkHost('kubernetes.default.svc.cluster.local')).toBeTruthy();
      expect(serving.checkHost('box1')).toBeTruthy();
      expect(serving.checkIP('127.0.0.1')).toBeTruthy();
      expect(serving.checkIP('10.9.8.7')).toBeTruthy();
      expect(certificateSans(pki.serving.cert)).toEqual(sans);
      const tenYears = (new Date(serverCA.validTo).getTime() - Date.now()) / 86_400_000;
      expect(tenYears).toBeGreaterThan(3640);

      for (const f of ['server-ca.key', 'client-ca.key', 'serving-kube-apiserver.key', 'client-admin.key']) {
        expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
      }
      // Keys are usable by node's TLS stack (what the API server and clients load).
      expect(() => new X509Certificate(readFileSync(join(dir, 'serving-kube-apiserver.crt')))).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reuses everything on restart and reissues only the serving certificate when the SANs change', async () => {
    const dir = tempDir();
    try {
      const first = await ensureClusterPki({ tlsDir: dir, sans: servingSans({ hostname: 'box1' }) });
      const again = await ensureClusterPki({ tlsDir: dir, sans: servingSans({ hostname: 'box1' }) });
      expect(again.issued).toEqual([]);
      expect(again.serving).toEqual(first.serving);
      expect(again.admin).toEqual(first.admin);

      const changed = await ensureClusterPki({ tlsDir: dir, sans: servingSans({ hostname: 'box1', tlsSans: ['extra.example'] }) });
      expect(changed.issued).toEqual(['serving-kube-apiserver']);
      expect(changed.serverCA).toEqual(first.serverCA);
      expect(new X509Certificate(changed.serving.cert).checkHost('extra.example')).toBeTruthy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renews leaf certificates within 90 days of expiry', async () => {
    const dir = tempDir();
    try {
      const sans = servingSans({});
      await ensureClusterPki({ tlsDir: dir, sans });
      const later = new Date(Date.now() + 300 * 86_400_000);
      const renewed = await ensureClusterPki({ tlsDir: dir, sans, now: () => later });
      expect(renewed.issued).toEqual(['serving-kube-apiserver', 'client-admin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issues client certificates for other identities', async () => {
    const dir = tempDir();
    try {
      const pki = await ensureClusterPki({ tlsDir: dir, sans: servingSans({}) });
      const node = await issueClientCertificate(pki.clientCA, { commonName: 'system:node:n1', organizations: ['system:nodes'] });
      const c = new X509Certificate(node.cert);
      expect(c.subject).toContain('CN=system:node:n1');
      expect(c.verify(new X509Certificate(pki.clientCA.cert).publicKey)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
