// Services end to end on the containerd runtime (root only): `bin/kites server --runtime containerd`
// with the iptables service proxy and cluster DNS, pods in their own network namespaces on cni0.
// Pods reach the API server through the default/kubernetes Service (its endpoints are the pod
// gateway 10.42.0.1 when the node IP is loopback — which needs the API bound beyond 127.0.0.1, so
// this cluster runs with --bind-address 0.0.0.0); a NodePort with externalTrafficPolicy Local keeps
// the client's address; cluster DNS answers over TCP and truncates a large UDP answer. The whole
// file holds the host-network lock; `kites killall` runs after the cluster stops.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from './helpers/cluster.js';
import { containerdMissing, startContainerdTestCluster, type ContainerdTestCluster } from './helpers/containerd-cluster.js';
import { waitFor } from './helpers/net-probes.js';

const image = 'docker.io/library/busybox:1.36';
const ns = 'svc-ctrd';
const clusterDns = '10.43.0.10';

const missing = containerdMissing(['/usr/bin/dig']);

interface Pod { status?: { phase?: string; podIP?: string } }

describe.skipIf(missing !== undefined)(`Services on the containerd runtime${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let cluster: TestCluster;
  let env: ContainerdTestCluster | undefined;
  const k = (args: string[], input?: string, timeoutMs?: number) => cluster.kubectl(['-n', ns, ...args], { input, timeoutMs });
  const apply = async (obj: Record<string, unknown>) => {
    const r = await k(['apply', '-f', '-'], JSON.stringify(obj));
    expect(r.stderr).toBe('');
  };
  const sh = (script: string) => ['sh', '-c', script];

  /** Creates a busybox pod running `command` and waits until it runs; resolves with its IP. */
  async function runPod(name: string, command: string[], labels: Record<string, string> = {}, ports: Array<Record<string, unknown>> = [], extra: { volumes?: unknown[]; volumeMounts?: unknown[] } = {}): Promise<string> {
    await apply({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
      spec: { terminationGracePeriodSeconds: 1, volumes: extra.volumes, containers: [{ name: 'c', image, imagePullPolicy: 'Never', command, ports, volumeMounts: extra.volumeMounts }] },
    });
    let pod: Pod | undefined;
    await waitFor(`pod ${name} running`, async () => {
      const r = await k(['get', 'pod', name, '-o', 'json']);
      pod = r.code === 0 ? (JSON.parse(r.stdout) as Pod) : undefined;
      return pod?.status?.phase === 'Running' && !!pod.status.podIP;
    }, 90_000, () => JSON.stringify(pod?.status ?? {}) + cluster.output().slice(-2000));
    return pod!.status!.podIP!;
  }

  /** Runs `script` in pod `name` (kubectl exec); resolves with stdout+stderr and the exit code. */
  async function execIn(name: string, script: string): Promise<{ code: number | null; out: string }> {
    const r = await k(['exec', name, '--', 'sh', '-c', script], undefined, 30_000);
    return { code: r.code, out: r.stdout + r.stderr };
  }

  beforeAll(async () => {
    // Pods reach the API server at the pod gateway (10.42.0.1): it must listen beyond loopback.
    env = await startContainerdTestCluster({ prefix: 'kites-svc-ctrd-', namespace: ns, proxy: true, args: ['--bind-address', '0.0.0.0'] });
    cluster = env.cluster;
  }, 1_700_000);

  afterAll(async () => {
    await env?.stop();
  }, 240_000);

  it('default/kubernetes points at the pod gateway; a pod calls https://kubernetes.default.svc with its service-account token', async () => {
    const ep = JSON.parse((await cluster.kubectl(['-n', 'default', 'get', 'endpoints', 'kubernetes', '-o', 'json'])).stdout) as { subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }> };
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.42.0.1']);
    expect(ep.subsets?.[0]?.ports?.[0]?.port).toBe(cluster.port);
    expect((await k(['create', 'rolebinding', 'default-view', '--clusterrole', 'view', '--serviceaccount', `${ns}:default`])).code).toBe(0);
    // kites' pod admission does not add upstream's kube-api-access-* volume: the pod asks for the
    // same projected volume itself (token, kube-root-ca.crt, namespace).
    const tokenVolume = {
      name: 'sa', projected: { sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'kube-root-ca.crt', optional: true, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ] },
    };
    // busybox's TLS client cannot talk to the API server (it offers no ECDSA signature scheme; the
    // handshake fails with alert 40), so the request is made by the host's node, chrooted from a
    // read-only hostPath mount of / but still in the pod's network namespace: the ClusterIP, the
    // serving certificate (checked against kube-root-ca.crt for the name kubernetes.default.svc)
    // and the token are the pod's.
    await runPod('api-client', sh('sleep 3600'), {}, [], {
      volumes: [tokenVolume, { name: 'host', hostPath: { path: '/', type: 'Directory' } }],
      volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }, { name: 'host', mountPath: '/host', readOnly: true }],
    });
    // The name resolves through cluster DNS from the pod's resolv.conf.
    const lookup = await execIn('api-client', 'nslookup kubernetes.default.svc.cluster.local');
    expect(lookup.out).toContain('10.43.0.1');
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    const client = (withToken: boolean) => `
      const req = require('node:https').get({ host: '10.43.0.1', port: 443, servername: 'kubernetes.default.svc', ca: process.env.CA, timeout: 5000,
        path: '/api/v1/namespaces/' + process.env.NS + '/pods', headers: ${withToken ? "{ authorization: 'Bearer ' + process.env.TOKEN }" : '{}'} }, (res) => {
        let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => { const o = JSON.parse(body); console.log(res.statusCode, o.kind, ...(o.items || []).map((i) => i.metadata.name)); });
      });
      req.on('error', (e) => console.log('error', e.message)); req.on('timeout', () => req.destroy(new Error('timeout')));`;
    const call = (withToken: boolean) => execIn('api-client', `TOKEN=$(cat ${sa}/token) CA="$(cat ${sa}/ca.crt)" NS=$(cat ${sa}/namespace) chroot /host ${process.execPath} -e "${client(withToken).replace(/"/g, '\\"')}"`);
    let last = { code: null as number | null, out: '' };
    await waitFor('the API through the kubernetes Service', async () => {
      last = await call(true);
      return /^200 PodList .*\bapi-client\b/.test(last.out);
    }, 30_000, () => JSON.stringify(last));
    // Without the token the request is anonymous and refused.
    expect((await call(false)).out).toMatch(/^40[13] /);
  }, 180_000);

  it('a NodePort with externalTrafficPolicy Local keeps the client address; Cluster masquerades it', async () => {
    const cgi = 'mkdir -p /www/cgi-bin && printf \'#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n\' > /www/cgi-bin/peer && chmod +x /www/cgi-bin/peer && exec httpd -f -p 8080 -h /www';
    await runPod('peer-echo', sh(cgi), { app: 'peer-echo' }, [{ name: 'http', containerPort: 8080 }]);
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'peer' }, spec: { type: 'NodePort', externalTrafficPolicy: 'Local', selector: { app: 'peer-echo' }, ports: [{ port: 80, targetPort: 'http' }] } });
    const nodePort = Number((await k(['get', 'svc', 'peer', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).stdout);
    const clientIP = await runPod('peer-client', sh('sleep 3600'));
    // The node's address a pod reaches: its gateway (node ports answer on every local address).
    // busybox httpd listens on :: and reports IPv4 peers as [::ffff:a.b.c.d].
    const ask = async () => (await execIn('peer-client', `timeout 5 wget -q -O- http://10.42.0.1:${nodePort}/cgi-bin/peer`)).out.trim().replace(/^\[::ffff:(.*)\]$/, '$1');
    let last = '';
    await waitFor('the client address through the Local NodePort', async () => (last = await ask()) === clientIP, 30_000, () => `last answer: ${last}, client ${clientIP}`);
    expect((await k(['patch', 'svc', 'peer', '-p', '{"spec":{"externalTrafficPolicy":"Cluster"}}'])).code).toBe(0);
    await waitFor('the gateway address through the Cluster NodePort', async () => (last = await ask()) === '10.42.0.1', 30_000, () => `last answer: ${last}`);

    // The same backend by name (the pod's resolv.conf search path) and by ClusterIP; from the
    // backend pod itself (hairpin); from the host to the ClusterIP and to the NodePort on 127.0.0.1.
    const clusterIP = (await k(['get', 'svc', 'peer', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    const byName = await execIn('peer-client', 'timeout 5 wget -q -O- http://peer/cgi-bin/peer');
    expect(byName.out.trim().replace(/^\[::ffff:(.*)\]$/, '$1')).toBe(clientIP);
    const hairpin = await execIn('peer-echo', `timeout 5 wget -q -O- http://${clusterIP}/cgi-bin/peer`);
    expect(hairpin.code, hairpin.out).toBe(0);
    const fromHost = await run('curl', ['-sS', '--max-time', '5', `http://${clusterIP}/cgi-bin/peer`]);
    expect(fromHost.trim()).not.toBe('');
    const viaLoopback = await run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${nodePort}/cgi-bin/peer`]);
    expect(viaLoopback.trim()).not.toBe('');
  }, 180_000);

  it('iptables proxy: a ClusterIP spreads over replicas, ClientIP affinity pins one, no endpoints refuses (REJECT)', async () => {
    const serveName = 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www';
    await apply({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'names' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'names' } },
        template: { metadata: { labels: { app: 'names' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image, imagePullPolicy: 'Never', command: sh(serveName), ports: [{ name: 'http', containerPort: 8080 }] }] } },
      },
    });
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'names' }, spec: { selector: { app: 'names' }, ports: [{ port: 80, targetPort: 'http' }] } });
    await runPod('names-client', sh('sleep 3600'));
    // Ten requests in one exec: the distinct answers.
    const spread = async () => new Set((await execIn('names-client', 'for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -q -O- http://names/; done')).out.trim().split('\n'));
    let seen = new Set<string>();
    await waitFor('both replicas answer', async () => (seen = await spread()).size === 2 && [...seen].every((n) => n.startsWith('names-')), 60_000, () => [...seen].join());
    expect((await k(['patch', 'svc', 'names', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}'])).code).toBe(0);
    await waitFor('ClientIP affinity pins one replica', async () => (seen = await spread()).size === 1, 30_000, () => [...seen].join());
    expect((await k(['scale', 'deploy', 'names', '--replicas', '0'])).code).toBe(0);
    let refused = { code: null as number | null, out: '' };
    await waitFor('connections refused', async () => /refused/i.test((refused = await execIn('names-client', 'time timeout 3 wget -q -O- http://names/')).out), 60_000, () => refused.out);
    // Refused, not timed out: upstream's REJECT (ICMP port unreachable). The host answers so fast
    // that the ICMP error often arrives while connect() still holds the socket lock, where Linux
    // records it as a soft error and retransmits the SYN: the refusal then takes one RTO (1 s).
    expect(refused.out).toMatch(/real\s+0m\s*[01]\.\d+s/);
  }, 180_000);

  it('cluster DNS over TCP; a large answer over UDP is truncated (TC) and complete over TCP', async () => {
    const dig = (...args: string[]) => run('dig', [`@${clusterDns}`, '+time=2', '+tries=2', ...args]);
    let last = '';
    await waitFor('kubernetes.default over TCP', async () => (last = (await dig('+tcp', '+short', 'kubernetes.default.svc.cluster.local')).trim()) === '10.43.0.1', 30_000, () => last);

    // A headless Service with 60 ready endpoints, given by hand (no pods needed).
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'many' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    const addresses = Array.from({ length: 60 }, (_, i) => `10.99.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    await apply({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'many-1', labels: { 'kubernetes.io/service-name': 'many' } },
      addressType: 'IPv4', ports: [{ port: 80, protocol: 'TCP', name: '' }],
      endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
    });
    const name = `many.${ns}.svc.cluster.local`;
    await waitFor('all 60 addresses over TCP', async () => (last = await dig('+tcp', '+short', name)).trim().split('\n').length === 60, 30_000, () => last);
    expect(new Set((await dig('+tcp', '+short', name)).trim().split('\n'))).toEqual(new Set(addresses));
    // SRV for a named port of a Service with a selector; PTR of a ClusterIP.
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'named' }, spec: { selector: { app: 'none' }, ports: [{ name: 'http', port: 8080 }] } });
    const namedIP = (await k(['get', 'svc', 'named', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    await waitFor('SRV of a named port', async () => (last = (await dig('+short', 'SRV', `_http._tcp.named.${ns}.svc.cluster.local`)).trim()) === `0 100 8080 named.${ns}.svc.cluster.local.`, 30_000, () => last);
    expect((await dig('+short', '-x', namedIP)).trim()).toBe(`named.${ns}.svc.cluster.local.`);
    const udp = await dig('+notcp', '+ignore', '+noedns', name);
    expect(udp).toMatch(/flags:[^;]*\btc\b/);
    expect(udp).toMatch(/status: NOERROR/);
    // From a pod too: busybox nslookup (UDP) still resolves the Service through the pod's resolv.conf.
    await runPod('dns-client', sh('sleep 3600'));
    const lookup = await execIn('dns-client', 'nslookup kubernetes.default.svc.cluster.local');
    expect(lookup.out).toContain('10.43.0.1');
  }, 180_000);
});

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${err.message}\n${stderr}`)) : resolve(stdout))));
}
