// A throwaway cluster-shaped network built from network namespaces the test creates, so a proxy
// mode can program real rules without touching the machine's own networking:
//
//   client netns 192.168.77.2 ──veth── 192.168.77.1  node netns  10.42.0.1 (bridge kbr0)
//                                                                    ├──veth── pod netns p1 10.42.0.11
//                                                                    └──veth── pod netns p2 10.42.0.12
//
// The node netns is "the node" (the proxy programs it); the client is a host outside the cluster
// (its default route goes through the node, so LoadBalancer IPs reach it); each pod runs a small
// HTTP + UDP echo server that answers with its name and the source address it saw.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

export interface PodInfo { name: string; netns: string; ip: string }

export interface NetnsEnv {
  id: string;
  node: string;
  client: string;
  nodeIP: string;
  clientIP: string;
  clusterCidr: string;
  pods: PodInfo[];
  httpPort: number;
  udpPort: number;
  stop(): Promise<void>;
}

export interface ProbeResult { pod?: string; client?: string; error?: string; /** milliseconds the request took */ ms?: number }

function run(argv: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}

/** Why the netns environment cannot be built here (undefined when it can). */
export function netnsUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const bin of ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip']) if (existsSync(bin)) return undefined;
  return 'needs iproute2 (ip)';
}

const serverScript = `
const http = require('node:http'); const dgram = require('node:dgram');
const [name, httpPort, udpPort] = process.argv.slice(1);
let ready = 0; const up = () => { if (++ready === 2) console.log('ready'); };
http.createServer((req, res) => {
  if (req.url === '/big') { const chunk = Buffer.alloc(65536, 120); let left = 256; res.writeHead(200); const w = () => { while (left > 0) { left--; if (!res.write(chunk)) return res.once('drain', w); } res.end(); }; return w(); }
  res.end(JSON.stringify({ pod: name, client: req.socket.remoteAddress }));
}).listen(Number(httpPort), '0.0.0.0', up);
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send(JSON.stringify({ pod: name, client: r.address }), r.port, r.address));
u.bind(Number(udpPort), '0.0.0.0', up);
`;

const clientScript = `
const http = require('node:http'); const dgram = require('node:dgram');
const o = JSON.parse(process.argv[1]);
const one = () => new Promise((resolve) => {
  if (o.proto === 'udp') {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve({ error: 'ETIMEDOUT' }); }, o.timeoutMs);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(JSON.parse(String(m))); });
    s.on('error', (e) => { clearTimeout(t); s.close(); resolve({ error: e.code || e.message }); });
    s.send('hi', o.port, o.host);
    return;
  }
  const req = http.get({ host: o.host, port: o.port, path: '/', agent: false, timeout: o.timeoutMs }, (res) => {
    let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => { try { resolve(JSON.parse(b)); } catch { resolve({ error: 'bad body' }); } });
  });
  req.on('timeout', () => { req.destroy(); resolve({ error: 'ETIMEDOUT' }); });
  req.on('error', (e) => resolve({ error: e.code || e.message }));
});
(async () => { const out = []; for (let i = 0; i < o.count; i++) { const t = Date.now(); const r = await one(); r.ms = Date.now() - t; out.push(r); } console.log(JSON.stringify(out)); })();
`;

/** `count` requests (fresh connection / source port each) from inside `netns`. */
export async function probe(netns: string, target: { proto?: 'tcp' | 'udp'; host: string; port: number; count?: number; timeoutMs?: number }): Promise<ProbeResult[]> {
  const o = { proto: target.proto ?? 'tcp', host: target.host, port: target.port, count: target.count ?? 1, timeoutMs: target.timeoutMs ?? 2000 };
  const out = await run(['ip', 'netns', 'exec', netns, process.execPath, '-e', clientScript, JSON.stringify(o)], o.count * o.timeoutMs + 10_000);
  return JSON.parse(out) as ProbeResult[];
}

function startServer(pod: PodInfo, httpPort: number, udpPort: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', pod.netns, process.execPath, '-e', serverScript, pod.name, String(httpPort), String(udpPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server in ${pod.netns} did not start: ${err}`)); }, 10_000);
    child.stderr!.on('data', (d) => (err += String(d)));
    child.stdout!.on('data', (d) => {
      if (String(d).includes('ready')) { clearTimeout(timer); resolve(child); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server in ${pod.netns} exited ${code}: ${err}`)); });
  });
}

export async function createNetnsEnv(opts: { pods?: number; httpPort?: number; udpPort?: number } = {}): Promise<NetnsEnv> {
  const id = randomBytes(3).toString('hex');
  const node = `kites-test-${id}-node`;
  const client = `kites-test-${id}-client`;
  const pods: PodInfo[] = Array.from({ length: opts.pods ?? 2 }, (_, i) => ({ name: `pod${i + 1}`, netns: `kites-test-${id}-p${i + 1}`, ip: `10.42.0.${11 + i}` }));
  const httpPort = opts.httpPort ?? 8080;
  const udpPort = opts.udpPort ?? 5353;
  const created: string[] = [];
  const servers: ChildProcess[] = [];
  const stop = async () => {
    for (const s of servers) s.kill('SIGKILL');
    for (const ns of created.reverse()) await run(['ip', 'netns', 'del', ns]).catch(() => {});
  };
  try {
    for (const ns of [node, client, ...pods.map((p) => p.netns)]) {
      await run(['ip', 'netns', 'add', ns]);
      created.push(ns);
      await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    const n = (...args: string[]) => run(['ip', '-n', node, ...args]);
    await n('link', 'add', 'kbr0', 'type', 'bridge');
    await n('addr', 'add', '10.42.0.1/24', 'dev', 'kbr0');
    await n('link', 'set', 'kbr0', 'up');
    for (const [i, p] of pods.entries()) {
      const v = `vp${i + 1}`;
      await n('link', 'add', v, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p.netns);
      await n('link', 'set', v, 'master', 'kbr0', 'up');
      // Hairpin on the bridge port, as the CNI bridge plugin sets it (hairpinMode): a pod's packet
      // DNATed back to itself must be allowed out of the port it came in on.
      await n('link', 'set', v, 'type', 'bridge_slave', 'hairpin', 'on');
      await run(['ip', '-n', p.netns, 'addr', 'add', `${p.ip}/24`, 'dev', 'eth0']);
      await run(['ip', '-n', p.netns, 'link', 'set', 'eth0', 'up']);
      await run(['ip', '-n', p.netns, 'route', 'add', 'default', 'via', '10.42.0.1']);
    }
    await n('link', 'add', 'vc', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client);
    await n('addr', 'add', '192.168.77.1/24', 'dev', 'vc');
    await n('link', 'set', 'vc', 'up');
    await run(['ip', '-n', client, 'addr', 'add', '192.168.77.2/24', 'dev', 'eth0']);
    await run(['ip', '-n', client, 'link', 'set', 'eth0', 'up']);
    await run(['ip', '-n', client, 'route', 'add', 'default', 'via', '192.168.77.1']);
    // The node's default route (service IPs need some route before the nat OUTPUT hook runs).
    await n('route', 'add', 'default', 'via', '192.168.77.2');
    await run(['ip', 'netns', 'exec', node, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    // Pod-to-service traffic between pods on one bridge needs bridged packets to see iptables
    // (br_netfilter), as on any Kubernetes node.
    await run(['ip', 'netns', 'exec', node, 'sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']).catch(() => {});
    for (const p of pods) servers.push(await startServer(p, httpPort, udpPort));
  } catch (err) {
    await stop();
    throw err;
  }
  return { id, node, client, nodeIP: '192.168.77.1', clientIP: '192.168.77.2', clusterCidr: '10.42.0.0/16', pods, httpPort, udpPort, stop };
}
