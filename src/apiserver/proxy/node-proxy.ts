// What the API server does for pods/log, pods/exec, pods/attach and pods/portforward: find the
// pod's node and its agent endpoint, then proxy to the agent over HTTPS with the API server's
// client certificate (not verifying the agent's serving certificate, as upstream's default).
// Logs are a streamed GET; the streams are upgrades whose raw sockets are joined once the
// request is forwarded, so the agent's 101 (and its Sec-WebSocket-Protocol) reaches the client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { errors, StatusError } from '../../api/errors.js';
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import { agentEndpoint, nodeNameOf, resolveContainer, type AgentEndpoint } from './pod-target.js';

export type PodSubresource = 'log' | 'exec' | 'attach' | 'portforward';

export interface ProxyTarget {
  namespace: string;
  pod: string;
  subresource: PodSubresource | string;
  query: URLSearchParams;
}

export interface NodeProxyOptions {
  lookupPod(namespace: string, name: string): Promise<KubeObject | undefined>;
  lookupNode(name: string): Promise<KubeObject | undefined>;
  clientTls: { cert: string; key: string };
  log: Logger;
  /** Connect timeout to the agent (ms). */
  connectTimeoutMs?: number;
}

export interface NodeProxy {
  handleRequest(req: IncomingMessage, res: ServerResponse, target: ProxyTarget): Promise<void>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: ProxyTarget): Promise<void>;
}

interface Resolved { endpoint: AgentEndpoint; path: string }

const agentPaths: Record<PodSubresource, string> = { log: 'containerLogs', exec: 'exec', attach: 'attach', portforward: 'portForward' };

// Headers that stay between the client and the API server.
const hopHeaders = new Set(['host', 'authorization', 'cookie', 'proxy-authorization', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function statusText(code: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' } as Record<number, string>)[code] ?? 'Error';
}

function toStatusError(e: unknown): StatusError {
  return e instanceof StatusError ? e : errors.internal((e as Error).message ?? String(e), e);
}

export function createNodeProxy(opts: NodeProxyOptions): NodeProxy {
  const log = opts.log;

  const resolve = async (target: ProxyTarget): Promise<Resolved> => {
    const sub = target.subresource as PodSubresource;
    if (!(sub in agentPaths)) throw errors.notFound('', `pods/${target.subresource}`, target.pod);
    const pod = await opts.lookupPod(target.namespace, target.pod);
    if (!pod) throw errors.notFound('', 'pods', target.pod);
    const nodeName = nodeNameOf(pod);
    const query = new URLSearchParams(target.query);
    let path = `/${agentPaths[sub]}/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.pod)}`;
    if (sub !== 'portforward') {
      const container = resolveContainer(pod, query.get('container'));
      path += `/${encodeURIComponent(container)}`;
    }
    query.delete('container');
    query.delete('insecureSkipTLSVerifyBackend');
    const node = await opts.lookupNode(nodeName);
    if (!node) throw errors.notFound('', 'nodes', nodeName);
    const qs = query.toString();
    return { endpoint: agentEndpoint(node), path: qs ? `${path}?${qs}` : path };
  };

  const writeStatus = (res: ServerResponse, e: StatusError) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(e.code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(e.toStatus()));
  };

  const rejectUpgrade = (socket: Duplex, e: StatusError) => {
    const body = JSON.stringify(e.toStatus());
    socket.end(`HTTP/1.1 ${e.code} ${statusText(e.code)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };

  return {
    async handleRequest(req, res, target) {
      try {
        if (target.subresource !== 'log') throw errors.badRequest('Upgrade request required');
        if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
        const { endpoint, path } = await resolve(target);
        await new Promise<void>((done) => {
          const upstream = httpsRequest({
            host: endpoint.host, port: endpoint.port, path, method: 'GET',
            cert: opts.clientTls.cert, key: opts.clientTls.key, rejectUnauthorized: false,
            // a fresh connection per request: no pooled or resumed TLS sessions between users' requests
            agent: false,
            timeout: opts.connectTimeoutMs ?? 10_000,
          }, (up) => {
            upstream.setTimeout(0);
            res.writeHead(up.statusCode ?? 502, { 'Content-Type': up.headers['content-type'] ?? 'text/plain' });
            res.flushHeaders();
            up.pipe(res);
            up.once('end', done);
            up.once('error', () => {
              res.destroy();
              done();
            });
          });
          upstream.once('timeout', () => upstream.destroy(new Error('timeout awaiting response headers')));
          upstream.once('error', (e) => {
            if (!res.headersSent) writeStatus(res, errors.internal(`Get "https://${endpoint.host}:${endpoint.port}${path}": ${e.message}`));
            else res.destroy();
            done();
          });
          // The client went away (kubectl logs -f interrupted): stop following on the agent.
          res.once('close', () => {
            upstream.destroy();
            done();
          });
          upstream.end();
        });
      } catch (e) {
        writeStatus(res, toStatusError(e));
      }
    },

    async handleUpgrade(req, socket, head, target) {
      socket.on('error', () => {});
      let resolved: Resolved;
      try {
        if (!['exec', 'attach', 'portforward'].includes(target.subresource)) throw errors.badRequest(`${target.subresource} does not support upgrades`);
        resolved = await resolve(target);
      } catch (e) {
        rejectUpgrade(socket, toStatusError(e));
        return;
      }
      const { endpoint, path } = resolved;
      await new Promise<void>((done) => {
        const upstream = tlsConnect({
          host: endpoint.host, port: endpoint.port, cert: opts.clientTls.cert, key: opts.clientTls.key,
          rejectUnauthorized: false, ALPNProtocols: ['http/1.1'],
          servername: /^[\d.:]+$/.test(endpoint.host) ? undefined : endpoint.host,
        });
        const timer = setTimeout(() => upstream.destroy(new Error('i/o timeout')), opts.connectTimeoutMs ?? 10_000);
        let connected = false;
        upstream.once('secureConnect', () => {
          connected = true;
          clearTimeout(timer);
          const hostPart = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
          const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${hostPart}:${endpoint.port}`];
          for (let i = 0; i < req.rawHeaders.length; i += 2) {
            const name = req.rawHeaders[i]!;
            const lower = name.toLowerCase();
            if (hopHeaders.has(lower) || lower.startsWith('impersonate-')) continue;
            lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
          }
          upstream.write(lines.join('\r\n') + '\r\n\r\n');
          if (head.length > 0) upstream.write(head);
          upstream.pipe(socket);
          socket.pipe(upstream);
        });
        upstream.on('error', (e) => {
          clearTimeout(timer);
          if (!connected) {
            log.debug('agent unreachable', { host: endpoint.host, port: endpoint.port, err: e.message });
            rejectUpgrade(socket, errors.internal(`error dialing backend: ${e.message}`));
          } else socket.destroy();
          done();
        });
        upstream.once('close', () => {
          socket.destroy();
          done();
        });
        socket.once('close', () => {
          upstream.destroy();
          done();
        });
      });
    },
  };
}
