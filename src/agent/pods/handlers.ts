// The actions probes and lifecycle hooks share: exec in the container, an HTTP GET, a TCP
// connect, a gRPC health check, or (hooks only) a sleep.
import { request } from 'node:http';
import { connect } from 'node:net';
import { connect as http2Connect } from 'node:http2';
import type { Container } from './pod-types.js';
import type { RuntimeService } from '../runtime/types.js';

export interface HandlerSpec {
  exec?: { command?: string[] };
  httpGet?: { host?: string; path?: string; port: number | string; scheme?: string; httpHeaders?: Array<{ name: string; value: string }> };
  tcpSocket?: { host?: string; port: number | string };
  grpc?: { port: number; service?: string };
  sleep?: { seconds: number };
}

export interface HandlerResult { ok: boolean; message: string }

export function resolvePort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = container.ports?.find((x) => x.name === port);
  if (!p) throw new Error(`port "${port}" not found in the container's ports`);
  return p.containerPort;
}

export async function runHandler(h: HandlerSpec, ctx: { runtime: RuntimeService; containerId: string; container: Container; podIP: string; timeoutMs: number }): Promise<HandlerResult> {
  try {
    if (h.exec) {
      const r = await ctx.runtime.execSync(ctx.containerId, h.exec.command ?? [], ctx.timeoutMs);
      if (r.timedOut) return { ok: false, message: `command ${JSON.stringify((h.exec.command ?? []).join(' '))} timed out` };
      // As upstream, the message is the command's own output.
      return { ok: r.exitCode === 0, message: r.stdout.toString() + r.stderr.toString() };
    }
    if (h.httpGet) return await httpGet(h.httpGet, ctx);
    if (h.tcpSocket) return await tcpCheck(h.tcpSocket.host || ctx.podIP, resolvePort(h.tcpSocket.port, ctx.container), ctx.timeoutMs);
    if (h.grpc) return await grpcCheck(ctx.podIP, h.grpc.port, h.grpc.service ?? '', ctx.timeoutMs);
    if (h.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds * 1000, ctx.timeoutMs)));
      return { ok: true, message: '' };
    }
    return { ok: false, message: 'no handler given' };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/** Node's socket errors in Go's words, as the probe messages users know read. */
export function dialError(host: string, port: number, e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const what = code === 'ECONNREFUSED' ? 'connect: connection refused'
    : code === 'EHOSTUNREACH' ? 'connect: no route to host'
      : code === 'ECONNRESET' ? 'read: connection reset by peer'
        : code === 'ENOTFOUND' ? `lookup ${host}: no such host` : e.message;
  return `dial tcp ${host}:${port}: ${what}`;
}

function httpGet(g: NonNullable<HandlerSpec['httpGet']>, ctx: { container: Container; podIP: string; timeoutMs: number }): Promise<HandlerResult> {
  const port = resolvePort(g.port, ctx.container);
  const host = g.host || ctx.podIP;
  const path = g.path || '/';
  if ((g.scheme ?? 'HTTP').toUpperCase() === 'HTTPS') return Promise.resolve({ ok: false, message: 'HTTPS probes are not supported by the node agent yet' });
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.33', Accept: '*/*' };
    for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
    const req = request({ host, port, path, method: 'GET', headers, timeout: ctx.timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      // As upstream: 200–399 is success (redirects are not followed off-host).
      resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "http://${host}:${port}${path}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (e) => resolve({ ok: false, message: e.message.startsWith('Get ') ? e.message : `Get "http://${host}:${port}${path}": ${dialError(host, port, e)}` }));
    req.end();
  });
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<HandlerResult> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }); }, timeoutMs);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve({ ok: true, message: '' }); });
    s.once('error', (e) => { clearTimeout(t); resolve({ ok: false, message: dialError(host, port, e) }); });
  });
}

/** grpc.health.v1.Health/Check over plain HTTP/2 (no gRPC library needed: one unary call). */
function grpcCheck(host: string, port: number, service: string, timeoutMs: number): Promise<HandlerResult> {
  return new Promise((resolve) => {
    const svc = Buffer.from(service);
    // HealthCheckRequest { string service = 1; }
    const msg = svc.length ? Buffer.concat([Buffer.from([0x0a, svc.length]), svc]) : Buffer.alloc(0);
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, msg.length]), msg]);
    const client = http2Connect(`http://${host}:${port}`);
    const done = (r: HandlerResult) => { clearTimeout(t); client.close(); resolve(r); };
    const t = setTimeout(() => { client.destroy(); resolve({ ok: false, message: `timeout: health rpc did not complete within ${timeoutMs / 1000}s` }); }, timeoutMs);
    client.on('error', (e) => done({ ok: false, message: `failed to connect service "${host}:${port}" within ${timeoutMs / 1000}s: ${e.message}` }));
    const req = client.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    let grpcStatus = '';
    req.on('response', (h) => { if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']); });
    req.on('trailers', (h) => { grpcStatus = String(h['grpc-status'] ?? grpcStatus); });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', (e) => done({ ok: false, message: e.message }));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // HealthCheckResponse { ServingStatus status = 1; } SERVING = 1
      const serving = body.length >= 7 && body[5] === 0x08 && body[6] === 0x01;
      if (grpcStatus && grpcStatus !== '0') done({ ok: false, message: `rpc error: code = ${grpcStatus}` });
      else done(serving ? { ok: true, message: '' } : { ok: false, message: 'service unhealthy (responded with "NOT_SERVING")' });
    });
    req.end(frame);
  });
}
