// Services end to end on the process runtime, as a user drives them with kubectl: `bin/kites
// server` with the userspace service proxy, the ingress controller on free ports and a
// LoadBalancer address pool. Pods are host processes (pod IP = node IP 127.0.0.1), so every
// backend listens on its own port; a named targetPort resolves per pod. As root the proxy binds
// ClusterIPs on the `kites-svc` link, so only one such cluster may run on the machine: the whole
// file holds the host-network lock.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKites, startTestCluster, type TestCluster } from './helpers/cluster.js';
import { withHostNetworkLock } from './helpers/host-lock.js';
import { freePort, httpGet, tcpConnect, udpRequest, waitFor, writeBackend, wsEcho } from './helpers/net-probes.js';

const root = process.getuid?.() === 0;
const ns = 'svc';
const lbPool = '127.241.0.0/28';
// As root the proxy binds ClusterIP:port; a host process listening on 0.0.0.0 at the same port
// (another cluster's ingress on :80) would keep it from binding, so the ports here are uncommon.
const svcPort = 18080;

interface Service { spec: { clusterIP: string; ports: Array<{ port: number; nodePort?: number }> }; status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } }; metadata: { finalizers?: string[] } }
interface Endpoint { addresses: string[]; conditions: { ready?: boolean; serving?: boolean; terminating?: boolean }; targetRef?: { name: string } }
interface Slice { endpoints?: Endpoint[] | null; ports?: Array<{ name?: string; port?: number }> | null }

describe('Services on the process runtime: userspace proxy, EndpointSlices, ingress, LoadBalancer', () => {
  let cluster: TestCluster;
  let work: string;
  let backend: (...args: string[]) => string[];
  let httpPort: number;
  let httpsPort: number;
  let releaseLock = () => {};
  let lockHeld: Promise<void> = Promise.resolve();
  const k = (args: string[], input?: string) => cluster.kubectl(['-n', ns, ...args], { input });
  const apply = async (obj: Record<string, unknown>) => {
    const r = await k(['apply', '-f', '-'], JSON.stringify(obj));
    expect(r.stderr).toBe('');
  };
  const getJson = async <T>(args: string[]): Promise<T> => {
    const r = await k([...args, '-o', 'json']);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const service = (name: string) => getJson<Service>(['get', 'svc', name]);
  const slices = async (svc: string) => (await getJson<{ items: Slice[] }>(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${svc}`])).items;
  const endpoints = async (svc: string) => (await slices(svc)).flatMap((s) => s.endpoints ?? []);

  /** A Deployment of `replicas` pods labelled app=APP running `command`, with one named container port. */
  const deployment = (name: string, app: string, command: string[], port: { name: string; containerPort: number; protocol?: string }, replicas = 1, extra: Record<string, unknown> = {}) => apply({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      replicas, selector: { matchLabels: { app, deploy: name } },
      template: {
        metadata: { labels: { app, deploy: name } },
        spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'busybox', command, ports: [port], ...extra }] },
      },
    },
  });

  beforeAll(async () => {
    // The lock is held from here to afterAll: withHostNetworkLock's fn resolves when afterAll says so.
    const waitStart = Date.now();
    await new Promise<void>((acquired, failed) => {
      lockHeld = withHostNetworkLock(() => { acquired(); return new Promise<void>((r) => (releaseLock = r)); }).catch(failed);
    });
    if (Date.now() - waitStart > 5_000) console.warn(`waited ${Math.round((Date.now() - waitStart) / 1000)} s for the host-network lock`);
    work = mkdtempSync(join(tmpdir(), 'kites-svc-work-'));
    backend = writeBackend(work);
    httpPort = await freePort();
    httpsPort = await freePort();
    cluster = await startTestCluster({
      proxy: true, ingress: true, readyTimeoutMs: 60_000,
      args: ['--ingress-http-port', String(httpPort), '--ingress-https-port', String(httpsPort), '--lb-address-pool', lbPool],
    });
    await waitFor('node Ready', async () => (await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True', 60_000);
    await cluster.kubectl(['create', 'ns', ns]);
    await waitFor('service account', async () => (await k(['get', 'sa', 'default'])).code === 0, 20_000);
  }, 1_700_000);

  afterAll(async () => {
    try {
      // Process-runtime pods are host processes that outlive the server (as containers outlive a
      // kubelet), and the proxy leaves its VIPs on kites-svc when it stops (as kube-proxy leaves its
      // rules). `kites killall` stops the pods and removes kites-svc — but other clusters started
      // without the lock (the process-runtime acceptance runs) may share kites-svc: then the
      // namespace is deleted first (the proxy removes those Services' VIPs) and the pods are
      // stopped by hand.
      const others = cluster ? otherKitesServers(cluster.dataDir) : [];
      if (others.length) await cluster.kubectl(['delete', 'ns', ns, '--timeout', '60s'], { timeoutMs: 70_000 });
      await cluster?.stop({ keepDataDir: true });
      if (cluster && !others.length) {
        const r = await runKites(['killall', '--data-dir', cluster.dataDir], { timeoutMs: 120_000 });
        if (r.code !== 0) console.warn(`kites killall failed: ${r.stderr}`);
      }
      if (cluster) rmSync(cluster.dataDir, { recursive: true, force: true });
      const left = work ? killBackends(work) : 0;
      if (left && !others.length) console.warn(`${left} pod processes outlived kites killall`);
    } finally {
      if (work) rmSync(work, { recursive: true, force: true });
      releaseLock();
      await lockHeld;
    }
  }, 120_000);

  /** Asks `fetch` up to `tries` times and returns the distinct answers. */
  async function answers(fetch: () => Promise<string>, tries = 12): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < tries; i++) seen.add(await fetch().catch((e: Error) => `error: ${e.message}`));
    return seen;
  }

  it('TCP: the ClusterIP (as root) and the NodePort on 127.0.0.1 reach both backends through a named targetPort; ClientIP affinity pins one; no endpoints refuses at once', async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    await deployment('web-a', 'web', backend('http', 'web-a', String(pa)), { name: 'http', containerPort: pa });
    await deployment('web-b', 'web', backend('http', 'web-b', String(pb)), { name: 'http', containerPort: pb });
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'web', port: svcPort, targetPort: 'http' }] } });
    await waitFor('two ready endpoints on distinct ports', async () => {
      const s = await slices('web');
      const ports = s.flatMap((x) => (x.endpoints ?? []).filter((e) => e.conditions.ready).map(() => x.ports?.[0]?.port));
      return s.flatMap((x) => x.ports ?? []).length >= 2 && new Set(ports).size === 2;
    }, 60_000, async () => JSON.stringify(await slices('web')));
    // v1 Endpoints group addresses by their port sets: one subset per backend here.
    const ep = await getJson<{ subsets?: Array<{ addresses?: Array<{ ip: string; targetRef?: { name: string } }>; ports?: Array<{ name?: string; port: number }> }> }>(['get', 'endpoints', 'web']);
    expect((ep.subsets ?? []).map((s) => s.ports?.map((p) => `${p.name}:${p.port}`).join()).sort()).toEqual([`web:${pa}`, `web:${pb}`].sort());
    expect((ep.subsets ?? []).flatMap((s) => s.addresses?.map((a) => a.ip) ?? [])).toEqual(['127.0.0.1', '127.0.0.1']);
    const svc = await service('web');
    const nodePort = svc.spec.ports[0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const viaNodePort = async () => (await httpGet('127.0.0.1', nodePort)).body;
    await waitFor('the NodePort answers', async () => (await viaNodePort()) !== '', 20_000);
    expect(await answers(viaNodePort)).toEqual(new Set(['web-a', 'web-b']));
    if (root) {
      const viaClusterIP = async () => (await httpGet(svc.spec.clusterIP, svcPort)).body;
      await waitFor('the ClusterIP answers', async () => (await viaClusterIP()) !== '', 20_000);
      expect(await answers(viaClusterIP)).toEqual(new Set(['web-a', 'web-b']));
    } else {
      console.warn('not root: the userspace proxy does not serve ClusterIPs; only the NodePort was checked');
    }

    await k(['patch', 'svc', 'web', '-p', JSON.stringify({ spec: { sessionAffinity: 'ClientIP' } })]);
    await waitFor('ClientIP affinity pins one backend', async () => (await answers(viaNodePort, 10)).size === 1, 20_000);

    await k(['scale', 'deploy', 'web-a', 'web-b', '--replicas', '0']);
    await waitFor('no endpoints left', async () => (await endpoints('web')).length === 0, 30_000);
    await waitFor('the NodePort refuses connections', async () => (await tcpConnect('127.0.0.1', nodePort)).result === 'ECONNREFUSED', 10_000);
    const refused = await tcpConnect('127.0.0.1', nodePort);
    expect(refused.result).toBe('ECONNREFUSED');
    expect(refused.ms).toBeLessThan(500);
    if (root) expect((await tcpConnect(svc.spec.clusterIP, svcPort)).result).toBe('ECONNREFUSED');

    await k(['scale', 'deploy', 'web-b', '--replicas', '1']);
    await waitFor('web-b back behind the NodePort', async () => (await viaNodePort()) === 'web-b', 60_000);
    if (root) expect((await httpGet(svc.spec.clusterIP, svcPort)).body).toBe('web-b');
  }, 240_000);

  it('UDP: datagrams to the NodePort (and the ClusterIP as root) reach the echo pod and come back', async () => {
    const port = await freePort();
    await deployment('udp-echo', 'udp-echo', backend('udp', 'udp-echo', String(port)), { name: 'dns-like', containerPort: port, protocol: 'UDP' });
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'udp-echo' }, spec: { type: 'NodePort', selector: { app: 'udp-echo' }, ports: [{ name: 'u', protocol: 'UDP', port: 53, targetPort: 'dns-like' }] } });
    const svc = await service('udp-echo');
    const nodePort = svc.spec.ports[0]!.nodePort!;
    let last: string | undefined;
    await waitFor('a UDP echo through the NodePort', async () => (last = await udpRequest('127.0.0.1', nodePort, 'ping')) === 'udp-echo:ping', 60_000, () => `last answer: ${last}`);
    // A second client (another source port) gets its own session.
    expect(await udpRequest('127.0.0.1', nodePort, 'pong', 2_000)).toBe('udp-echo:pong');
    if (root) await waitFor('a UDP echo through the ClusterIP', async () => (await udpRequest(svc.spec.clusterIP, 53, 'vip')) === 'udp-echo:vip', 20_000);
  }, 120_000);

  it('EndpointSlices as kubectl shows them: serving+terminating while a pod runs its preStop; publishNotReadyAddresses', async () => {
    const port = await freePort();
    await deployment('slow', 'slow', backend('http', 'slow', String(port)), { name: 'http', containerPort: port }, 1, {
      lifecycle: { preStop: { exec: { command: ['sleep', '6'] } } },
    });
    await k(['patch', 'deploy', 'slow', '-p', JSON.stringify({ spec: { template: { spec: { terminationGracePeriodSeconds: 30 } } } })]);
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'slow' }, spec: { selector: { app: 'slow' }, ports: [{ port: 80, targetPort: 'http' }] } });
    let eps: Endpoint[] = [];
    await waitFor('one ready endpoint', async () => (eps = await endpoints('slow')).length === 1 && eps[0]!.conditions.ready === true, 60_000, () => JSON.stringify(eps));
    expect(eps[0]!.addresses).toEqual(['127.0.0.1']);
    expect(eps[0]!.conditions).toEqual({ ready: true, serving: true, terminating: false });
    const podName = eps[0]!.targetRef!.name;

    await k(['delete', 'pod', podName, '--wait=false']);
    await waitFor('the terminating pod shown serving, not ready', async () => {
      eps = (await endpoints('slow')).filter((e) => e.targetRef?.name === podName);
      return eps.length === 1 && eps[0]!.conditions.terminating === true;
    }, 20_000, () => JSON.stringify(eps));
    expect(eps[0]!.conditions).toEqual({ ready: false, serving: true, terminating: true });
    await waitFor('the terminated pod gone from the slice', async () => !(await endpoints('slow')).some((e) => e.targetRef?.name === podName), 60_000);

    // A pod that never gets ready: listed not ready, or ready with publishNotReadyAddresses.
    const p2 = await freePort();
    await apply({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unready', labels: { app: 'unready' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: backend('http', 'unready', String(p2)), ports: [{ name: 'http', containerPort: p2 }], readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 } }] },
    });
    for (const [name, publish] of [['unready-hidden', false], ['unready-published', true]] as const) {
      await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'unready' }, publishNotReadyAddresses: publish, ports: [{ port: 80, targetPort: 'http' }] } });
    }
    await waitFor('the unready pod in both slices', async () => (await endpoints('unready-hidden')).length === 1 && (await endpoints('unready-published')).length === 1, 60_000);
    expect((await endpoints('unready-hidden'))[0]!.conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect((await endpoints('unready-published'))[0]!.conditions).toEqual({ ready: true, serving: true, terminating: false });
  }, 180_000);

  it('ingress: host and path routing, TLS with SNI from a kubernetes.io/tls Secret, WebSocket (plain and TLS), 404 and 503', async () => {
    const [pa, pb, pw] = [await freePort(), await freePort(), await freePort()];
    await deployment('ing-a', 'ing-a', backend('http', 'ing-a', String(pa)), { name: 'http', containerPort: pa });
    await deployment('ing-b', 'ing-b', backend('http', 'ing-b', String(pb)), { name: 'http', containerPort: pb });
    await deployment('ing-ws', 'ing-ws', backend('ws', String(pw)), { name: 'ws', containerPort: pw });
    for (const app of ['ing-a', 'ing-b', 'ing-ws']) {
      await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: app }, spec: { selector: { app }, ports: [{ name: 'web', port: 8080, targetPort: app === 'ing-ws' ? 'ws' : 'http' }] } });
    }
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ing-empty' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 8080 }] } });
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=a.example.com', '-addext', 'subjectAltName=DNS:a.example.com',
      '-keyout', join(work, 'tls.key'), '-out', join(work, 'tls.crt')]);
    expect((await k(['create', 'secret', 'tls', 'a-tls', '--cert', join(work, 'tls.crt'), '--key', join(work, 'tls.key')])).code).toBe(0);
    const backendOf = (name: string) => ({ service: { name, port: { name: 'web' } } });
    await apply({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'routes' },
      spec: {
        tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
        rules: [
          { host: 'a.example.com', http: { paths: [
            { path: '/', pathType: 'Prefix', backend: backendOf('ing-a') },
            { path: '/b', pathType: 'Prefix', backend: backendOf('ing-b') },
            { path: '/ws', pathType: 'Exact', backend: backendOf('ing-ws') },
            { path: '/empty', pathType: 'Prefix', backend: { service: { name: 'ing-empty', port: { number: 8080 } } } },
          ] } },
          { host: 'b.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backendOf('ing-b') }] } },
        ],
      },
    });
    const get = (host: string, path: string) => httpGet('127.0.0.1', httpPort, path, { hostHeader: host });
    await waitFor('a.example.com routed to ing-a', async () => (await get('a.example.com', '/x')).body === 'ing-a', 60_000);
    await waitFor('b.example.com routed to ing-b', async () => (await get('b.example.com', '/')).body === 'ing-b', 30_000);
    expect((await get('a.example.com', '/b/c')).body).toBe('ing-b');
    expect((await get('a.example.com', '/bc')).body).toBe('ing-a'); // Prefix matches whole path elements
    expect((await get('unknown.example.com', '/')).status).toBe(404);
    await waitFor('the Ingress status address', async () => (await k(['get', 'ingress', 'routes', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).stdout === '127.0.0.1', 20_000);
    expect((await get('a.example.com', '/empty')).status).toBe(503);

    // TLS: curl resolves a.example.com to 127.0.0.1 and sends it as SNI; the Secret's certificate verifies.
    const curl = await run('curl', ['-sS', '--max-time', '5', '--cacert', join(work, 'tls.crt'), '--resolve', `a.example.com:${httpsPort}:127.0.0.1`, `https://a.example.com:${httpsPort}/b`]).catch((e: Error) => e.message);
    expect(curl).toBe('ing-b');
    const untrusted = await run('curl', ['-sS', '--max-time', '5', '--cacert', join(work, 'tls.crt'), '--resolve', `other.example.com:${httpsPort}:127.0.0.1`, `https://other.example.com:${httpsPort}/`]).catch((e: Error) => e.message);
    expect(untrusted).toMatch(/certificate|SSL/i); // another name gets the fallback certificate

    await waitFor('the WebSocket backend ready', async () => (await get('a.example.com', '/ws')).body === 'ws backend', 30_000);
    expect(await wsEcho('127.0.0.1', httpPort, 'a.example.com', 'hello')).toBe('echo:hello');
    expect(await wsEcho('127.0.0.1', httpsPort, 'a.example.com', 'over tls', { tls: { ca: readFileSync(join(work, 'tls.crt'), 'utf8') } })).toBe('echo:over tls');
  }, 180_000);

  it('LoadBalancer: an address from --lb-address-pool, reachable through the proxy; loadBalancerIP honoured; deletion removes the finalizer', async () => {
    const port = await freePort();
    await deployment('lb', 'lb', backend('http', 'lb', String(port)), { name: 'http', containerPort: port });
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb1' }, spec: { type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ port: 8088, targetPort: 'http' }] } });
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb2' }, spec: { type: 'LoadBalancer', loadBalancerIP: '127.241.0.9', selector: { app: 'lb' }, ports: [{ port: 8089, targetPort: 'http' }] } });
    let s1: Service | undefined;
    let s2: Service | undefined;
    await waitFor('load-balancer addresses', async () => {
      [s1, s2] = [await service('lb1'), await service('lb2')];
      return !!s1.status?.loadBalancer?.ingress?.[0]?.ip && !!s2.status?.loadBalancer?.ingress?.[0]?.ip;
    }, 30_000, () => JSON.stringify([s1?.status, s2?.status]));
    const ip1 = s1!.status!.loadBalancer!.ingress![0]!.ip!;
    expect(ip1).toMatch(/^127\.241\.0\.(\d|1[0-5])$/);
    expect(s2!.status!.loadBalancer!.ingress![0]!.ip).toBe('127.241.0.9');
    expect(s1!.metadata.finalizers).toContain('service.kubernetes.io/load-balancer-cleanup');
    await waitFor('lb1 answers on its load-balancer address', async () => (await httpGet(ip1, 8088)).body === 'lb', 60_000);
    await waitFor('lb2 answers on 127.241.0.9', async () => (await httpGet('127.241.0.9', 8089)).body === 'lb', 20_000);

    // No longer a LoadBalancer: the address and the finalizer go (the NodePort with it).
    // Upstream's update drops an unchanged externalTrafficPolicy with the type (dropTypeDependentFields);
    // kites refuses it ("may only be set for externally-accessible services"), so it is cleared here.
    const toClusterIP = await k(['patch', 'svc', 'lb2', '--type', 'merge', '-p', '{"spec":{"type":"ClusterIP","loadBalancerIP":null,"externalTrafficPolicy":null}}']);
    expect(toClusterIP.code, toClusterIP.stderr).toBe(0);
    await waitFor('lb2 without status and finalizer', async () => {
      s2 = await service('lb2');
      return !s2.status?.loadBalancer?.ingress?.length && !(s2.metadata.finalizers ?? []).length;
    }, 20_000, () => JSON.stringify(s2));
    await waitFor('127.241.0.9 no longer served', async () => (await tcpConnect('127.241.0.9', 8089, 1_000)).result !== 'connected', 20_000);

    // An address outside the pool is not given: no status, a SyncLoadBalancerFailed event.
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb3' }, spec: { type: 'LoadBalancer', loadBalancerIP: '10.9.9.9', selector: { app: 'lb' }, ports: [{ port: 8090, targetPort: 'http' }] } });
    let evs = '';
    await waitFor('a SyncLoadBalancerFailed event', async () => (evs = (await k(['get', 'events', '--field-selector', 'involvedObject.name=lb3', '-o', 'jsonpath={.items[*].reason}'])).stdout).includes('SyncLoadBalancerFailed'), 20_000, () => evs);
    expect((await service('lb3')).status?.loadBalancer?.ingress ?? []).toEqual([]);

    const del = await k(['delete', 'svc', 'lb1', 'lb2', 'lb3', '--timeout', '30s']);
    expect(del.code, del.stderr).toBe(0);
    expect((await k(['get', 'svc', 'lb1'])).code).not.toBe(0);
    await waitFor('lb1 address no longer served', async () => (await tcpConnect(ip1, 8088, 1_000)).result !== 'connected', 20_000);
  }, 120_000);
});

/** Data dirs of other `kites server`/`kites agent` processes running on this machine. */
function otherKitesServers(ownDataDir: string): string[] {
  const dirs: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv: string[];
    try { argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (!argv.some((a) => a.endsWith('bin/kites')) || !argv.some((a) => a === 'server' || a === 'agent')) continue;
    const dir = argv[argv.indexOf('--data-dir') + 1];
    if (argv.includes('--data-dir') && dir && dir !== ownDataDir) dirs.push(dir);
  }
  return dirs;
}

/** Kills the backend processes this file's pods started (found by their program's path); returns how many. */
function killBackends(dir: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dir, 'backend.cjs'))) { process.kill(Number(pid), 'SIGKILL'); n++; }
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${err.message}\n${stderr}`)) : resolve(stdout))));
}
