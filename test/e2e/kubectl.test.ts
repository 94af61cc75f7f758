// Real kubectl against `bin/kites server`, beyond the shared scenarios: tokens, access reviews,
// tables across namespaces, authentication, limits and protobuf bodies from kubectl 1.33.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { kubectlPaths, startTestCluster, type TestCluster } from './helpers/cluster.js';

let c: TestCluster;
beforeAll(async () => { c = await startTestCluster(); }, 60_000);
afterAll(async () => { await c?.stop(); });

function anonymousGet(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: c.port, path, rejectUnauthorized: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
  });
}

describe('kubectl end to end', () => {
  it('creates service-account tokens that authenticate', async () => {
    expect((await c.kubectl(['create', 'serviceaccount', 'robot'])).code).toBe(0);
    const tok = await c.kubectl(['create', 'token', 'robot', '--duration=20m']);
    expect(tok.code).toBe(0);
    const token = tok.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    // A kubeconfig with only the token: client certificates would authenticate first, as upstream.
    const kc = parse(readFileSync(c.kubeconfig, 'utf8'));
    kc.users[0].user = { token };
    const tokenConfig = join(c.dataDir, 'token-kubeconfig.yaml');
    writeFileSync(tokenConfig, stringify(kc));
    const who = await c.kubectl(['--kubeconfig', tokenConfig, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    expect(who.stdout).toBe('system:serviceaccount:default:robot');
    expect((await c.kubectl(['auth', 'can-i', 'create', 'pods'])).stdout.trim()).toBe('yes');
  });

  it('answers 401 without credentials except for health, version and discovery', async () => {
    expect(await anonymousGet('/api/v1/namespaces')).toBe(401);
    expect(await anonymousGet('/openapi/v3')).toBe(401);
    for (const p of ['/healthz', '/livez', '/readyz', '/version', '/api', '/apis', '/api/v1', '/apis/apps/v1']) expect(await anonymousGet(p)).toBe(200);
  });

  it('prints tables across namespaces with labels and wide columns', async () => {
    await c.kubectl(['create', 'namespace', 'tbl']);
    await c.kubectl(['-n', 'tbl', 'create', 'configmap', 'one', '--from-literal=a=b']);
    await c.kubectl(['-n', 'tbl', 'label', 'configmap', 'one', 'tier=web']);
    const out = await c.kubectl(['get', 'configmaps', '-A', '--show-labels']);
    expect(out.stdout).toMatch(/NAMESPACE\s+NAME\s+DATA\s+AGE\s+LABELS/);
    expect(out.stdout).toMatch(/tbl\s+one\s+1\s+\S+\s+tier=web/);
    await c.kubectl(['-n', 'tbl', 'create', 'deployment', 'web', '--image=busybox', '--replicas=0']);
    const wide = await c.kubectl(['-n', 'tbl', 'get', 'deploy', '-o', 'wide']);
    expect(wide.stdout).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide.stdout).toMatch(/web\s+0\/0\s+0\s+0\s+\S+\s+busybox\s+busybox\s+app=web/);
  });

  it('rejects bodies over 3 MiB with 413 and keeps serving', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024 + 10);
    const r = await c.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'default' }, data: { a: big } }) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/too large|413|Request entity too large/i);
    expect((await c.kubectl(['get', 'ns', 'default'])).code).toBe(0);
  });

  it.skipIf(!existsSync(kubectlPaths.v133))('works with kubectl 1.33 (protobuf bodies, scale, rollout history)', async () => {
    const k = (args: string[]) => c.kubectl(args, { kubectlPath: kubectlPaths.v133 });
    expect((await k(['create', 'namespace', 'k133'])).code).toBe(0);
    expect((await k(['-n', 'k133', 'create', 'secret', 'generic', 's', '--from-literal=k=v'])).code).toBe(0);
    expect((await k(['-n', 'k133', 'get', 'secret', 's', '-o', 'jsonpath={.data.k}'])).stdout).toBe(Buffer.from('v').toString('base64'));
    expect((await k(['-n', 'k133', 'create', 'deployment', 'd', '--image=busybox', '--replicas=0'])).code).toBe(0);
    expect((await k(['-n', 'k133', 'scale', 'deployment', 'd', '--replicas=2'])).code).toBe(0);
    expect((await k(['-n', 'k133', 'get', 'deployment', 'd', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('2');
    expect((await k(['-n', 'k133', 'create', 'job', 'j', '--image=busybox', '--', 'true'])).code).toBe(0);
    const del = await k(['delete', 'namespace', 'k133', '--wait=true', '--timeout=30s']);
    expect(del.code).toBe(0);
  }, 60_000);
});
