import { describe, it, expect } from 'vitest';
import { createServer as httpServer } from 'node:http';
import { createServer as tcpServer, type AddressInfo } from 'node:net';
import { createServer as h2Server } from 'node:http2';
import { runHandler } from './handlers.js';
import type { RuntimeService } from '../runtime/types.js';

const ctx = (timeoutMs = 1000) => ({ runtime: {} as RuntimeService, containerId: 'x', container: { name: 'c', ports: [{ name: 'web', containerPort: 0 }] }, podIP: '127.0.0.1', timeoutMs });

async function listen(s: { listen: (...a: any[]) => unknown; address: () => unknown }): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

describe('probe handlers', () => {
  it('httpGet: 200–399 succeed, others fail with the status code; headers are sent', async () => {
    let seen = '';
    const srv = httpServer((req, res) => {
      seen = String(req.headers['x-probe'] ?? '');
      res.statusCode = req.url === '/bad' ? 503 : req.url === '/moved' ? 302 : 200;
      res.end();
    });
    const port = await listen(srv);
    try {
      expect((await runHandler({ httpGet: { path: '/', port, httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }, ctx())).ok).toBe(true);
      expect(seen).toBe('yes');
      expect((await runHandler({ httpGet: { path: '/moved', port } }, ctx())).ok).toBe(true);
      expect(await runHandler({ httpGet: { path: '/bad', port } }, ctx())).toEqual({ ok: false, message: 'HTTP probe failed with statuscode: 503' });
    } finally {
      srv.close();
    }
  });

  it('tcpSocket: connects, and fails on a closed port', async () => {
    const srv = tcpServer((s) => s.end());
    const port = await listen(srv);
    srv.close();
    const srv2 = tcpServer((s) => s.end());
    const open = await listen(srv2);
    try {
      expect((await runHandler({ tcpSocket: { port: open } }, ctx())).ok).toBe(true);
      const r = await runHandler({ tcpSocket: { port } }, ctx());
      expect(r.ok).toBe(false);
      expect(r.message).toBe(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
      const h = await runHandler({ httpGet: { path: '/x', port } }, ctx());
      expect(h.message).toBe(`Get "http://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: connect: connection refused`);
    } finally {
      srv2.close();
    }
  });

  it('grpc: the health service answers SERVING or NOT_SERVING', async () => {
    let serving = true;
    const srv = h2Server();
    srv.on('stream', (stream, headers) => {
      expect(headers[':path']).toBe('/grpc.health.v1.Health/Check');
      stream.on('data', () => {});
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, serving ? 1 : 2]));
      });
    });
    const port = await listen(srv);
    try {
      expect((await runHandler({ grpc: { port } }, ctx())).ok).toBe(true);
      serving = false;
      expect((await runHandler({ grpc: { port, service: 'svc' } }, ctx())).ok).toBe(false);
    } finally {
      srv.close();
    }
  });
});
