// The userspace service proxy in this network namespace (no root needed): wrk straight to a node
// http backend on 127.0.0.1 vs through the proxy's NodePort on 127.0.0.1, with keep-alive and
// with a new connection per request. The proxy's own cost, without the netns helper that the
// conformance suite uses.
//   node bench/userspace.mjs [seconds=5] [connections=32]
import { register } from 'node:module';
import { spawn } from 'node:child_process';
import net from 'node:net';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { UserspaceProxier } = await import('../src/network/proxy/userspace/index.ts');
const { buildProxyState } = await import('../src/network/proxy/model.ts');
const { silentLogger } = await import('../src/api/log.ts');

const seconds = Number(process.argv[2]) || 5;
const connections = Number(process.argv[3]) || 32;
const freePort = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });

const backendPort = await freePort();
const backend = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => { s.writeHead(200, { 'Content-Length': 12 }); s.end('hello world\\n'); }).listen(${backendPort}, '127.0.0.1', () => console.log('ready'));`], { stdio: ['ignore', 'pipe', 'inherit'] });
process.on('exit', () => backend.kill('SIGTERM'));
await new Promise((r) => backend.stdout.once('data', r));

const nodePort = await freePort();
const meta = (name, labels) => ({ name, namespace: 'default', labels, uid: name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' });
const state = buildProxyState(
  [{ apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { type: 'NodePort', clusterIP: '10.43.0.50', ports: [{ name: 'http', port: 80, nodePort, protocol: 'TCP' }] } }],
  [{ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('web-1', { 'kubernetes.io/service-name': 'web' }), addressType: 'IPv4',
    ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }], endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }] }],
  'bench');
const proxier = new UserspaceProxier({ nodeIPs: [], log: silentLogger, clusterIPs: 'skip' });
await proxier.sync(state);

function wrk(port, close) {
  return new Promise((resolve, reject) => {
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, ...(close ? ['-H', 'Connection: close'] : []), `http://127.0.0.1:${port}/`];
    const p = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', () => { const m = /Requests\/sec:\s+([\d.]+)/.exec(out); m ? resolve(Number(m[1])) : reject(new Error(out)); });
  });
}

try {
  console.log(`userspace proxy, wrk -t1 -c${connections} -d${seconds}s, node backend on 127.0.0.1`);
  for (const close of [false, true]) {
    const direct = await wrk(backendPort, close);
    const proxied = await wrk(nodePort, close);
    console.log(`${close ? 'new connection each' : 'keep-alive        '}  direct ${direct.toFixed(0)} req/s, via NodePort ${proxied.toFixed(0)} req/s (${((proxied / direct) * 100).toFixed(0)}%)`);
  }
} finally {
  await proxier.stop();
  backend.kill('SIGTERM');
}
