import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseFileMode, writeKubeconfig } from './kubeconfig.js';

describe('writeKubeconfig', () => {
  it('writes cluster, user and context "default" with inline data, mode 0600, no temp file left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-kc-'));
    try {
      const path = join(dir, 'sub', 'kubeconfig.yaml');
      writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caCert: 'CA', clientCert: 'CERT', clientKey: 'KEY' });
      const kc = parse(readFileSync(path, 'utf8'));
      expect(kc['current-context']).toBe('default');
      expect(kc.clusters[0]).toEqual({ name: 'default', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('CA').toString('base64') } });
      expect(kc.contexts[0]).toEqual({ name: 'default', context: { cluster: 'default', user: 'default' } });
      expect(kc.users[0].user['client-key-data']).toBe(Buffer.from('KEY').toString('base64'));
      expect(statSync(path).mode & 0o777).toBe(0o600);
      writeKubeconfig(path, { server: 'https://127.0.0.1:7443', caCert: 'CA', clientCert: 'CERT', clientKey: 'KEY' }, parseFileMode('644'));
      expect(statSync(path).mode & 0o777).toBe(0o644);
      expect(readdirSync(join(dir, 'sub'))).toEqual(['kubeconfig.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses octal modes as k3s does', () => {
    expect(parseFileMode('0644')).toBe(0o644);
    expect(parseFileMode('600')).toBe(0o600);
    expect(() => parseFileMode('rw')).toThrow('invalid file mode');
  });
});
