// API server figures for issue #2, all in one run against a real `bin/kites server` over HTTPS:
//  - creates/s and p50/p99 latency with 1 and 16 concurrent clients, beside the raw SQLite
//    insert rate with the same durability (fsync per transaction) on the same disk;
//  - watch fan-out: N watchers, M events, delivery latency p50/p99 (create sent → event read);
//  - server RSS idle and after K objects.
// Run (after `npm ci`): node bench/api.mjs [creates=2000] [watchers=1000] [events=1000] [objects=10000]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import net from 'node:net';
import YAML from 'yaml';
import Database from 'better-sqlite3';

interface Conn { agent: https.Agent; host: string; port: number; ca: string; cert: string; key: string }

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

function request(c: Conn, method: string, p: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request({ host: c.host, port: c.port, method, path: p, agent: c.agent, ca: c.ca, cert: c.cert, key: c.key,
      headers: { 'Content-Type': 'application/json', ...(data ? { 'Content-Length': data.length } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function rssMb(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function startServer(dir: string): Promise<{ proc: ChildProcess; conn: Conn }> {
  const port = await freePort();
  const kubeconfig = path.join(dir, 'kubeconfig.yaml');
  const bin = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../bin/kites');
  const proc = spawn(bin, ['server', '--data-dir', dir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--write-kubeconfig', kubeconfig, '--disable-agent', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(kubeconfig)) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const kc = YAML.parse(fs.readFileSync(kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString();
  const conn: Conn = {
    agent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
    host: '127.0.0.1', port,
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
  return { proc, conn };
}

async function creates(c: Conn, ns: string, total: number, concurrency: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const s = performance.now();
      const r = await request(c, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: `c${concurrency}-${i}` }, data: { k: 'v'.repeat(100) } });
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
      lat.push(performance.now() - s);
    }
  }));
  const ms = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { perSecond: Math.round((total / ms) * 1000), p50: +pct(lat, 50).toFixed(2), p99: +pct(lat, 99).toFixed(2) };
}

function rawSqlite(dir: string, writes: number): number {
  const db = new Database(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value BLOB NOT NULL)');
  const ins = db.prepare('INSERT INTO t (key, value) VALUES (?, ?)');
  const v = Buffer.alloc(400, 1);
  const t0 = performance.now();
  for (let i = 0; i < writes; i++) ins.run(`/k/${i}`, v);
  const ms = performance.now() - t0;
  db.close();
  return Math.round((writes / ms) * 1000);
}

async function watchFanout(c: Conn, watchers: number, events: number): Promise<{ p50: number; p99: number; delivered: number }> {
  await request(c, 'POST', '/api/v1/namespaces', { metadata: { name: 'fanout' } });
  const sent = new Map<string, number>();
  const lat: number[] = [];
  let delivered = 0;
  const agent = new https.Agent({ keepAlive: false, maxSockets: Infinity });
  const reqs: ReturnType<typeof https.request>[] = [];
  let ready = 0;
  await new Promise<void>((resolve) => {
    for (let w = 0; w < watchers; w++) {
      const req = https.request({ host: c.host, port: c.port, path: '/api/v1/namespaces/fanout/configmaps?watch=true&resourceVersion=1', agent, ca: c.ca, cert: c.cert, key: c.key }, (res) => {
        if (++ready === watchers) resolve();
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          const now = performance.now();
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i); buf = buf.slice(i + 1);
            const m = /"name":"(e-\d+)"/.exec(line);
            const t = m && sent.get(m[1]);
            if (t) { lat.push(now - t); delivered++; }
          }
        });
      });
      req.on('error', () => {});
      req.end();
      reqs.push(req);
    }
  });
  for (let i = 0; i < events; i++) {
    const name = `e-${i}`;
    sent.set(name, performance.now());
    await request(c, 'POST', '/api/v1/namespaces/fanout/configmaps', { metadata: { name } });
  }
  const deadline = Date.now() + 60_000;
  while (delivered < watchers * events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const r of reqs) r.destroy();
  lat.sort((a, b) => a - b);
  return { p50: +pct(lat, 50).toFixed(1), p99: +pct(lat, 99).toFixed(1), delivered };
}

export async function benchApi(opts: { creates?: number; watchers?: number; events?: number; objects?: number } = {}): Promise<void> {
  const total = opts.creates ?? 2000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kites-bench-'));
  const { proc, conn } = await startServer(path.join(dir, 'server'));
  try {
    await new Promise((r) => setTimeout(r, 500));
    const idle = rssMb(proc.pid!);
    await request(conn, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    const raw = rawSqlite(dir, total);
    const one = await creates(conn, 'bench', total, 1);
    const sixteen = await creates(conn, 'bench', total * 2, 16);
    console.log(`raw SQLite inserts (WAL, synchronous=FULL, txn each): ${raw}/s`);
    console.log(`API creates, 1 client:   ${one.perSecond}/s  p50 ${one.p50} ms  p99 ${one.p99} ms  (${Math.round((one.perSecond / raw) * 100)}% of raw)`);
    console.log(`API creates, 16 clients: ${sixteen.perSecond}/s  p50 ${sixteen.p50} ms  p99 ${sixteen.p99} ms  (${Math.round((sixteen.perSecond / raw) * 100)}% of raw)`);
    const fan = await watchFanout(conn, opts.watchers ?? 1000, opts.events ?? 1000);
    console.log(`watch fan-out ${opts.watchers ?? 1000} watchers x ${opts.events ?? 1000} events: delivered ${fan.delivered}, p50 ${fan.p50} ms, p99 ${fan.p99} ms`);
    const objects = opts.objects ?? 10000;
    await request(conn, 'POST', '/api/v1/namespaces', { metadata: { name: 'mass' } });
    await creates(conn, 'mass', objects, 16);
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`server RSS: idle ${idle} MB, after ${objects + total * 3 + (opts.events ?? 1000)} objects ${rssMb(proc.pid!)} MB`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(undefined); }, 10_000); proc.once('exit', () => { clearTimeout(t); r(undefined); }); });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
