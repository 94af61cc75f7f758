// Throwaway PKI for TLS tests, made with the openssl command line: a CA, a serving certificate for
// 127.0.0.1, and a client certificate (CN/O become user and groups under x509 authentication).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Removes the files. */
  cleanup(): void;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeTestPki(client: { cn: string; o?: string } = { cn: 'kubernetes-admin', o: 'system:masters' }): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'kites-client-pki-'));
  const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  o('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=kites-test-ca', '-days', '1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  o('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kites-apiserver');
  o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext');
  o('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', `${client.o ? `/O=${client.o}` : ''}/CN=${client.cn}`);
  o('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir, caCert: read('ca.crt'), serverCert: read('server.crt'), serverKey: read('server.key'),
    clientCert: read('client.crt'), clientKey: read('client.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
