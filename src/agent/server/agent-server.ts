// The node agent's HTTPS endpoint, in the kubelet's port-10250 role: container logs, exec,
// attach and port-forward for the API server, which authenticates with a client certificate
// signed by `clientCA` (anything else gets 401, as the kubelet answers anonymous requests).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../api/log.js';
import { execProtocols, portForwardChannelProtocols, selectProtocol, type ChannelProtocolName } from '../streams/channel-protocol.js';
import { serveAttach, serveExec, streamRequestFromQuery } from '../streams/exec.js';
import { LogOptionsError, logOptionsFromQuery, streamLog } from '../streams/logs.js';
import { parsePorts, serveChannelPortForward } from '../streams/portforward-channels.js';
import { SPDY_PORTFORWARD_PROTOCOL, serveSpdyPortForward } from '../streams/spdy-portforward.js';
import { socketTransport, webSocketTransport } from '../streams/byte-transport.js';
import { serveSpdyExec, spdyExecProtocols } from '../streams/spdy-exec.js';
import type { ContainerLocator, LocatedContainer } from './locator.js';
import { parseAgentPath, type AgentRoute } from './routes.js';
import { createSelfSignedServingCertificate } from './serving-cert.js';

export interface AgentServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: { cert?: string; key?: string; clientCA: string };
  locator: ContainerLocator;
  log: Logger;
  /** For the self-signed certificate's names. */
  nodeName?: string;
  /**
   * Which verified client identities may use the endpoint (the kubelet asks the API server with a
   * SubjectAccessReview; here the caller decides, e.g. only the API server's kubelet-client
   * certificate). Default: every certificate signed by `clientCA`. Refused ones get 403.
   */
  authorize?: (client: ClientIdentity) => boolean;
}

/** The subject of a verified client certificate. */
export interface ClientIdentity { commonName: string; organizations: string[] }

export interface AgentServer {
  port: number;
  close(): Promise<void>;
}

interface HttpError { code: number; reason: string; message: string }

function statusBody(e: HttpError): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code });
}

const reasons: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 500: 'InternalError' };
const err = (code: number, message: string): HttpError => ({ code, reason: reasons[code] ?? 'InternalError', message });

function writeHttpError(res: ServerResponse, e: HttpError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(e.code, { 'Content-Type': 'application/json' });
  res.end(statusBody(e));
}

function rejectUpgrade(socket: Duplex, e: HttpError): void {
  const body = statusBody(e);
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[e.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${e.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function clientIdentity(req: IncomingMessage): ClientIdentity | undefined {
  const s = req.socket as TLSSocket;
  if (s.authorized !== true) return undefined;
  const subject = s.getPeerCertificate().subject as unknown as Record<string, string | string[] | undefined> | undefined;
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return { commonName: list(subject?.CN)[0] ?? '', organizations: list(subject?.O) };
}

export async function startAgentServer(opts: AgentServerOptions): Promise<AgentServer> {
  const log = opts.log;
  const serving = opts.tls.cert && opts.tls.key ? { cert: opts.tls.cert, key: opts.tls.key } : createSelfSignedServingCertificate({ nodeName: opts.nodeName });
  const server: Server = createServer({ ...serving, ca: opts.tls.clientCA, requestCert: true, rejectUnauthorized: false });
  // The subprotocol picked for each upgrade request. `ws` refuses `SPDY/3.1+portforward.k8s.io`
  // (a '/' is not a token character), so that one is taken off the request before the handshake
  // and put back on the 101 response.
  const chosenFor = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (_offered, req) => {
      const p = chosenFor.get(req);
      return p && p !== SPDY_PORTFORWARD_PROTOCOL ? p : false;
    },
  });
  wss.on('headers', (headers: string[], req: IncomingMessage) => {
    if (chosenFor.get(req) === SPDY_PORTFORWARD_PROTOCOL) headers.push(`Sec-WebSocket-Protocol: ${SPDY_PORTFORWARD_PROTOCOL}`);
  });
  const sockets = new Set<Duplex>();
  server.on('connection', (s: Duplex) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Duplex) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  /** 401 without a verified certificate, 403 when `authorize` refuses it (as the kubelet answers). */
  const admission = (req: IncomingMessage): HttpError | undefined => {
    const who = clientIdentity(req);
    if (!who) return err(401, 'Unauthorized');
    if (opts.authorize && !opts.authorize(who)) {
      const url = new URL(req.url ?? '/', 'https://agent');
      return err(403, `Forbidden (user=${who.commonName}, verb=${req.method === 'GET' ? 'get' : 'create'}, resource=nodes, subresource=proxy, path=${url.pathname})`);
    }
    return undefined;
  };

  const locate = async (route: AgentRoute & { namespace: string; pod: string }, container?: string): Promise<LocatedContainer | HttpError> => {
    const found = await opts.locator.find(route.namespace, route.pod, container);
    if (found) return found;
    return container
      ? err(404, `container not found ("${container}")`)
      : err(404, `pod not found ("${route.pod}_${route.namespace}")`);
  };

  const isRunning = async (c: LocatedContainer) => {
    const st = await c.runtime.containerStatus(c.containerId);
    return st !== undefined && (st.state === 'running' || st.state === 'created');
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const denied = admission(req);
      if (denied) return writeHttpError(res, denied);
      const url = new URL(req.url ?? '/', 'https://agent');
      const route = parseAgentPath(url.pathname);
      if (!route) return writeHttpError(res, err(404, `the server could not find the requested resource`));
      if (route.kind === 'healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end('ok');
      }
      if (route.kind !== 'containerLogs') return writeHttpError(res, err(400, 'Upgrade request required'));
      if (req.method !== 'GET' && req.method !== 'HEAD') return writeHttpError(res, err(405, `the server does not allow this method on the requested resource`));
      let logOpts;
      try {
        logOpts = logOptionsFromQuery(url.searchParams);
      } catch (e) {
        if (e instanceof LogOptionsError) return writeHttpError(res, err(400, e.message));
        throw e;
      }
      const c = await opts.locator.find(route.namespace, route.pod, route.container);
      if (!c) return writeHttpError(res, err(400, `container "${route.container}" in pod "${route.pod}" is waiting to start: ContainerCreating`));
      let path = c.logPath;
      if (logOpts.previous) {
        if (!c.previousLogPath) return writeHttpError(res, err(400, `previous terminated container "${route.container}" in pod "${route.pod}" not found`));
        path = c.previousLogPath;
        logOpts.follow = false;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      // Headers now, not with the first line: a quiet container must not look like a hung agent.
      res.flushHeaders();
      const abort = new AbortController();
      res.once('close', () => abort.abort());
      await streamLog(path, logOpts, { write: (b) => void res.write(b) }, { isRunning: () => isRunning(c), signal: abort.signal });
      res.end();
    })().catch((e: unknown) => {
      log.warn('agent request failed', { url: req.url, err: (e as Error).message });
      writeHttpError(res, err(500, (e as Error).message));
    });
  });

  /** `Upgrade: SPDY/3.1` (clients before WebSocket streams, kubectl's fallback): 101, then SPDY on the socket. */
  const serveSpdyUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer, route: AgentRoute, c: LocatedContainer, url: URL): Promise<void> => {
    const offered = ([] as string[]).concat(req.headers['x-stream-protocol-version'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const supported: readonly string[] = route.kind === 'portForward' ? ['portforward.k8s.io'] : spdyExecProtocols;
    const chosen = selectProtocol(offered, supported);
    if (chosen === undefined) {
      return rejectUpgrade(socket, err(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${supported.join(' ')}]`));
    }
    const stream = streamRequestFromQuery(url.searchParams);
    if ((route.kind === 'exec' || route.kind === 'attach') && !stream.stdin && !stream.stdout && !stream.stderr) {
      return rejectUpgrade(socket, err(400, 'you must specify at least 1 of stdin, stdout, stderr'));
    }
    const command = url.searchParams.getAll('command');
    if (route.kind === 'exec' && command.length === 0) return rejectUpgrade(socket, err(400, 'you must specify at least one command for the container'));
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${chosen ? `X-Stream-Protocol-Version: ${chosen}\r\n` : ''}\r\n`);
    if (head.length > 0) socket.unshift(head);
    const transport = socketTransport(socket);
    const target = { runtime: c.runtime, containerId: c.containerId };
    if (route.kind === 'portForward') {
      return serveSpdyPortForward(transport, { forward: (port, s) => c.runtime.portForward(c.sandboxId, port, s), podDescription: c.sandboxId, log });
    }
    return serveSpdyExec(transport, { protocol: chosen, request: stream, target, command: route.kind === 'exec' ? command : undefined, log });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    void (async () => {
      const denied = admission(req);
      if (denied) return rejectUpgrade(socket, denied);
      const url = new URL(req.url ?? '/', 'https://agent');
      const route = parseAgentPath(url.pathname);
      if (!route || route.kind === 'healthz' || route.kind === 'containerLogs') {
        return rejectUpgrade(socket, err(404, 'the server could not find the requested resource'));
      }
      const c = await locate(route, route.kind === 'portForward' ? undefined : route.container);
      if ('code' in c) return rejectUpgrade(socket, c);
      const upgrade = (req.headers.upgrade ?? '').toLowerCase();
      if (upgrade === 'spdy/3.1') return serveSpdyUpgrade(req, socket, head, route, c, url);
      if (upgrade !== 'websocket') {
        return rejectUpgrade(socket, err(400, `unable to upgrade: unsupported protocol "${req.headers.upgrade ?? ''}" (WebSocket or SPDY/3.1)`));
      }
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
      let protocol: string | undefined;
      if (route.kind === 'portForward') {
        protocol = offered.includes(SPDY_PORTFORWARD_PROTOCOL) ? SPDY_PORTFORWARD_PROTOCOL : selectProtocol(offered, portForwardChannelProtocols);
      } else {
        protocol = selectProtocol(offered, execProtocols);
      }
      if (protocol === undefined) {
        return rejectUpgrade(socket, err(400, `unable to upgrade: no supported subprotocol among [${offered.join(' ')}]`));
      }
      let ports: number[] = [];
      if (route.kind === 'portForward' && protocol !== SPDY_PORTFORWARD_PROTOCOL) {
        try {
          ports = parsePorts(url.searchParams);
        } catch (e) {
          return rejectUpgrade(socket, err(400, (e as Error).message));
        }
        if (ports.length === 0) return rejectUpgrade(socket, err(400, 'query parameter "port" is required'));
      }
      const stream = streamRequestFromQuery(url.searchParams);
      if ((route.kind === 'exec' || route.kind === 'attach') && !stream.stdin && !stream.stdout && !stream.stderr) {
        return rejectUpgrade(socket, err(400, 'you must specify at least 1 of stdin, stdout, stderr'));
      }
      const command = url.searchParams.getAll('command');
      if (route.kind === 'exec' && command.length === 0) return rejectUpgrade(socket, err(400, 'you must specify at least one command for the container'));
      const chosen = protocol;
      chosenFor.set(req, chosen);
      if (chosen === SPDY_PORTFORWARD_PROTOCOL) delete req.headers['sec-websocket-protocol'];
      const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(req, socket, head, resolve));
      const target = { runtime: c.runtime, containerId: c.containerId };
      const forward = (port: number, s: Duplex) => c.runtime.portForward(c.sandboxId, port, s);
      switch (route.kind) {
        case 'exec':
          return serveExec(ws, chosen as ChannelProtocolName | '', target, command, stream, log);
        case 'attach':
          return serveAttach(ws, chosen as ChannelProtocolName | '', target, stream, log);
        case 'portForward':
          if (chosen === SPDY_PORTFORWARD_PROTOCOL) return serveSpdyPortForward(webSocketTransport(ws), { forward, podDescription: c.sandboxId, log });
          return serveChannelPortForward(ws, chosen as ChannelProtocolName | '', ports, forward, c.sandboxId, log);
      }
    })().catch((e: unknown) => {
      log.warn('agent stream failed', { url: req.url, err: (e as Error).message });
      if (!socket.destroyed) socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info('agent endpoint listening', { host: opts.host, port });

  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      wss.close();
      server.close(() => resolve());
    }),
  };
}
