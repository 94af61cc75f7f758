import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { defaultKubeconfigPath, inClusterConfig, loadKubeconfig } from './kubeconfig.js';

describe('kubeconfig', () => {
  it('finds the kubeconfig as kubectl does', () => {
    expect(defaultKubeconfigPath({ KUBECONFIG: '/a/config:/b/config' })).toBe('/a/config');
    expect(defaultKubeconfigPath({})).toBe(join(homedir(), '.kube', 'config'));
  });

  it('explains what is missing', () => {
    expect(() => loadKubeconfig({ contexts: [] })).toThrow(/no current-context/);
    expect(() => loadKubeconfig({ 'current-context': 'x', contexts: [] })).toThrow(/context "x" not found/);
    expect(() => loadKubeconfig({
      'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      clusters: [{ name: 'c', cluster: { server: 'https://h:6443' } }], users: [{ name: 'u', user: { exec: { command: 'aws' } } }],
    })).toThrow(/exec or auth-provider/);
    const basic = loadKubeconfig({
      'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      clusters: [{ name: 'c', cluster: { server: 'https://h:6443', 'insecure-skip-tls-verify': true } }], users: [{ name: 'u', user: { username: 'admin', password: 'pw' } }],
    });
    expect(basic.options).toMatchObject({ server: 'https://h:6443', insecureSkipTlsVerify: true, username: 'admin', password: 'pw' });
  });

  it('reads the in-cluster service account mount, re-reading the token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-sa-'));
    try {
      writeFileSync(join(dir, 'token'), 'tok1\n');
      writeFileSync(join(dir, 'ca.crt'), 'CA');
      writeFileSync(join(dir, 'namespace'), 'apps');
      expect(() => inClusterConfig({ env: {}, dir })).toThrow(/KUBERNETES_SERVICE_HOST/);
      const cfg = inClusterConfig({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, dir });
      expect(cfg.options.server).toBe('https://10.96.0.1:443');
      expect(cfg.namespace).toBe('apps');
      const token = cfg.options.token as () => string;
      expect(token()).toBe('tok1');
      writeFileSync(join(dir, 'token'), 'tok2');
      expect(token()).toBe('tok2');
      expect(inClusterConfig({ env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, dir }).options.server).toBe('https://[fd00::1]:443');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
