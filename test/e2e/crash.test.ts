// kill -9 of `kites server` in the middle of a stream of writes: every acknowledged write
// survives, the revision keeps growing after restart, and a watch from a pre-crash revision
// replays what came after it.
import { describe, expect, it } from 'vitest';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startTestCluster, type TestCluster } from './helpers/cluster.js';

interface Creds { url: URL; ca: Buffer; cert: Buffer; key: Buffer }

function creds(kubeconfig: string): Creds {
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const b = (s: string) => Buffer.from(s, 'base64');
  return { url: new URL(kc.clusters[0].cluster.server), ca: b(kc.clusters[0].cluster['certificate-authority-data']), cert: b(kc.users[0].user['client-certificate-data']), key: b(kc.users[0].user['client-key-data']) };
}

function call(c: Creds, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const data = body ? Buffer.from(JSON.stringify(body)) : undefined;
    const req = https.request({ host: c.url.hostname, port: c.url.port, method, path, ca: c.ca, cert: c.cert, key: c.key, headers: { 'content-type': 'application/json' }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = text; }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(data);
  });
}

/** Reads a watch until an event names `last` or the time is up. */
function watchEvents(c: Creds, path: string, last: string, timeoutMs: number): Promise<Array<{ type: string; object: any }>> {
  return new Promise((resolve, reject) => {
    const events: Array<{ type: string; object: any }> = [];
    const req = https.request({ host: c.url.hostname, port: c.url.port, path, ca: c.ca, cert: c.cert, key: c.key }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
          if (events[events.length - 1].object?.metadata?.name === last) { req.destroy(); resolve(events); }
        }
      });
      res.on('end', () => resolve(events));
    });
    req.on('error', (e) => (events.length ? resolve(events) : reject(e)));
    setTimeout(() => { req.destroy(); resolve(events); }, timeoutMs);
    req.end();
  });
}

describe('server crash (kill -9)', () => {
  it('keeps every acknowledged write and replays history after restart', async () => {
    let cluster: TestCluster | undefined = await startTestCluster();
    const dataDir = cluster.dataDir;
    try {
      let c = creds(cluster.kubeconfig);
      expect((await call(c, 'POST', '/api/v1/namespaces', { metadata: { name: 'crash' } })).status).toBe(201);
      const acked = new Map<string, number>();
      let stop = false;
      let checkpoint = 0;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await call(c, 'POST', '/api/v1/namespaces/crash/configmaps', { metadata: { name: `w${w}-${i}` }, data: { i: String(i) } });
            if (r.status === 201) acked.set(r.json.metadata.name, Number(r.json.metadata.resourceVersion));
            if (acked.size === 50 && !checkpoint) checkpoint = Number(r.json.metadata.resourceVersion);
          } catch {
            return; // the server died under us
          }
        }
      });
      const deadline = Date.now() + 20_000;
      while (acked.size < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      cluster.process.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await cluster.stop({ keepDataDir: true });
      expect(acked.size).toBeGreaterThanOrEqual(50);

      cluster = await startTestCluster({ dataDir });
      c = creds(cluster.kubeconfig);
      const list = await call(c, 'GET', '/api/v1/namespaces/crash/configmaps');
      const present = new Set<string>(list.json.items.map((i: any) => i.metadata.name));
      const lost = [...acked.keys()].filter((n) => !present.has(n));
      expect(lost).toEqual([]);
      const maxAcked = Math.max(...acked.values());
      const after = await call(c, 'POST', '/api/v1/namespaces/crash/configmaps', { metadata: { name: 'after-restart' } });
      expect(after.status).toBe(201);
      expect(Number(after.json.metadata.resourceVersion)).toBeGreaterThan(maxAcked);
      const events = await watchEvents(c, `/api/v1/namespaces/crash/configmaps?watch=true&resourceVersion=${checkpoint}`, 'after-restart', 10_000);
      const names = new Set(events.map((e) => e.object.metadata.name));
      for (const [name, rv] of acked) if (rv > checkpoint) expect(names.has(name)).toBe(true);
      expect(names.has('after-restart')).toBe(true);
    } finally {
      await cluster?.stop();
    }
  }, 120_000);
});
