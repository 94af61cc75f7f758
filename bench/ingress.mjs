// Ingress throughput (issue 6): wrk against the kites ingress controller and against nginx as a
// reverse proxy, both in front of the same node http backend on 127.0.0.1; prints requests/s of
// each and the ratio (goal: kites >= 70% of nginx). nginx runs one worker, as the controller is
// one Node event loop; both keep upstream connections alive.
//   node bench/ingress.mjs [seconds=10] [connections=64]
// Needs wrk and nginx (apt-get install -y wrk nginx-light).
import { register } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { startTestApi } = await import('../test/integration/harness.ts');
const { startIngressController } = await import('../src/network/ingress/index.ts');
const { silentLogger } = await import('../src/api/log.ts');

const seconds = Number(process.argv[2]) || 10;
const connections = Number(process.argv[3]) || 64;

for (const tool of ['wrk', 'nginx']) {
  try { execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }); } catch { console.error(`bench/ingress: ${tool} is not installed (apt-get install -y wrk nginx-light)`); process.exit(2); }
}

const freePort = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-ingress-'));
const children = [];
const stopAll = () => { for (const c of children) c.kill('SIGTERM'); };
process.on('exit', stopAll);

// The backend: its own process, so it does not share an event loop with the controller.
const backendPort = await freePort();
const backendSrc = `require('node:http').createServer((q, s) => { s.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 12 }); s.end('hello world\\n'); }).listen(${backendPort}, '127.0.0.1', () => console.log('ready'));`;
const backend = spawn(process.execPath, ['-e', backendSrc], { stdio: ['ignore', 'pipe', 'inherit'] });
children.push(backend);
await new Promise((r) => backend.stdout.once('data', r));

// nginx: one worker, keep-alive upstream.
const nginxPort = await freePort();
fs.writeFileSync(path.join(dir, 'nginx.conf'), `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream backend { server 127.0.0.1:${backendPort}; keepalive 256; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`);
const nginx = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'inherit' });
children.push(nginx);

// kites: the in-process API with a Service, an EndpointSlice and an Ingress, and the controller.
const t = await startTestApi();
const res = (group, version, resource) => t.client.resource({ group, version, resource, namespaced: true });
await res('', 'v1', 'services').create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo' }, spec: { ports: [{ name: 'http', port: 80, targetPort: backendPort }] } });
await res('discovery.k8s.io', 'v1', 'endpointslices').create('default', {
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'echo-1', labels: { 'kubernetes.io/service-name': 'echo' } },
  addressType: 'IPv4', ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }], endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
});
await res('networking.k8s.io', 'v1', 'ingresses').create('default', {
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'echo' },
  spec: { rules: [{ host: 'echo.local', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'echo', port: { name: 'http' } } } }] } }] },
});
const ctl = await startIngressController({ transport: t.api.inProcessTransport(), httpPort: 0, httpsPort: 0, bindAddress: '127.0.0.1', log: silentLogger, statusAddresses: ['127.0.0.1'] });
await new Promise((r) => setTimeout(r, 300));

function wrk(port) {
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-H', 'Host: echo.local', `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
      if (!rps) reject(new Error(`wrk failed:\n${out}`));
      else resolve({ rps: Number(rps[1]), non2xx: non2xx ? Number(non2xx[1]) : 0, latency: /Latency\s+(\S+)/.exec(out)?.[1] });
    });
  });
}

try {
  // Warm both (JIT, keep-alive pools), then alternate rounds and keep each one's best: the
  // machine may be shared, and a round that lands on a busy moment says little.
  await wrk(nginxPort);
  await wrk(ctl.httpPort);
  const best = (a, b) => (!a || b.rps > a.rps ? b : a);
  let n;
  let k;
  for (let round = 0; round < 2; round++) {
    n = best(n, await wrk(nginxPort));
    k = best(k, await wrk(ctl.httpPort));
  }
  console.log(`wrk -t1 -c${connections} -d${seconds}s, best of 2 rounds, 12-byte responses from a node backend on 127.0.0.1 (${os.cpus().length} cores)`);
  console.log(`nginx (1 worker):   ${n.rps.toFixed(0)} req/s, avg latency ${n.latency}${n.non2xx ? `, ${n.non2xx} non-2xx` : ''}`);
  console.log(`kites ingress:      ${k.rps.toFixed(0)} req/s, avg latency ${k.latency}${k.non2xx ? `, ${k.non2xx} non-2xx` : ''}`);
  console.log(`ratio kites/nginx:  ${((k.rps / n.rps) * 100).toFixed(0)}% (goal >= 70%)`);
} finally {
  await ctl.stop();
  await t.stop();
  stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
}
