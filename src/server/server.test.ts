import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { silentLogger } from '../api/log.js';
import type { ApiServerOptions, ServingOptions } from '../apiserver/server.js';
import type { RestTransport } from '../client/transport.js';
import type { ResourceInfo } from '../api/resources/types.js';
import type { ControllerContext } from './controllers.js';
import { DataDirLockedError } from './data-dir.js';
import { serverOptions } from './options.js';
import { startServer, type ApiServerLike } from './server.js';

/**
 * Stands in for the API server: serves /readyz over HTTPS with the given certificate and requires
 * a client certificate from the client CA, so the test proves the PKI and kubeconfig fit together.
 */
class FakeApiServer implements ApiServerLike {
  private server?: https.Server;
  closed = false;
  constructor(private readonly opts: ApiServerOptions, private readonly readyAfterMs = 0) {}
  private readyAt = Infinity;
  async listen(s: ServingOptions): Promise<{ port: number }> {
    this.server = https.createServer({ cert: s.cert, key: s.key, ca: this.opts.clientCA, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.end(req.url === '/readyz' ? `ok ${peer.subject?.CN}` : 'nope');
    });
    await new Promise<void>((resolve) => this.server!.listen(s.port, s.host, resolve));
    this.readyAt = Date.now() + this.readyAfterMs;
    return { port: (this.server.address() as AddressInfo).port };
  }
  isReady(): boolean { return Date.now() >= this.readyAt; }
  inProcessTransport(): RestTransport { return {} as RestTransport; } // never called: controllers are faked too
  resources(): readonly ResourceInfo[] { return []; }
  async close(): Promise<void> {
    this.closed = true;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function getWithKubeconfig(path: string, urlPath: string): Promise<string> {
  const kc = parse(readFileSync(path, 'utf8'));
  const b = (s: string) => Buffer.from(s, 'base64');
  const url = new URL(kc.clusters[0].cluster.server + urlPath);
  return new Promise((resolve, reject) => {
    const req = https.get(url, {
      ca: b(kc.clusters[0].cluster['certificate-authority-data']),
      cert: b(kc.users[0].user['client-certificate-data']),
      key: b(kc.users[0].user['client-key-data']),
      timeout: 5000,
    }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** kubectl's output, or undefined when there is no kubectl on PATH. */
function kubectlOutput(args: string[]): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') resolve(undefined);
      else if (err) reject(new Error(`kubectl failed: ${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

/** Controllers stand-in: runs until aborted, as real ones do. */
const noControllers = (ctx: ControllerContext) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));

describe('startServer', () => {
  it('starts, writes a kubeconfig that authenticates over TLS, refuses a second server, and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-srv-'));
    const lines: string[] = [];
    let fake: FakeApiServer | undefined;
    try {
      const options = serverOptions({ dataDir: dir, httpsListenPort: 0, bindAddress: '127.0.0.1', datastoreEndpoint: 'memory://', disableAgent: true });
      const running = await startServer(options, {
        log: silentLogger,
        progress: (l) => lines.push(l),
        startControllers: noControllers, createApiServer: (o) => (fake = new FakeApiServer(o, 50)),
      });
      try {
        expect(running.url).toBe(`https://127.0.0.1:${running.port}`);
        expect(running.kubeconfigPath).toBe(join(dir, 'kubeconfig.yaml'));
        expect(statSync(running.kubeconfigPath).mode & 0o777).toBe(0o600);
        expect(await getWithKubeconfig(running.kubeconfigPath, '/readyz')).toBe('ok system:admin');
        // Go's TLS stack (kubectl) accepts the certificates and the PKCS#8 ECDSA keys too.
        const kubectl = await kubectlOutput(['--kubeconfig', running.kubeconfigPath, 'get', '--raw', '/readyz']);
        if (kubectl !== undefined) expect(kubectl).toBe('ok system:admin');
        expect(readFileSync(join(dir, 'token'), 'utf8')).toMatch(/^K10[0-9a-f]{64}::server:/);
        expect(lines[0]).toBe(`kites: starting server (data dir ${dir})`);
        expect(lines).toContain(`kites: API server listening on https://127.0.0.1:${running.port}`);
        expect(lines.at(-1)).toBe(`kites: export KUBECONFIG=${running.kubeconfigPath} ; kubectl get nodes`);
        expect(running.timings.readyMs).toBeGreaterThanOrEqual(40);

        await expect(startServer(options, { log: silentLogger, progress: () => {}, startControllers: noControllers, createApiServer: (o) => new FakeApiServer(o) }))
          .rejects.toThrow(DataDirLockedError);
      } finally {
        await running.stop();
        await running.stop();
      }
      expect(fake!.closed).toBe(true);
      expect(existsSync(join(dir, 'server', 'kites.pid'))).toBe(false);

      // A restart reuses the PKI: the old kubeconfig's CA still validates the new serving cert.
      const caBefore = readFileSync(join(dir, 'server', 'tls', 'server-ca.crt'), 'utf8');
      const again = await startServer(options, { log: silentLogger, progress: () => {}, startControllers: noControllers, createApiServer: (o) => new FakeApiServer(o) });
      await again.stop();
      expect(again.pki.issued).toEqual([]);
      expect(again.pki.serverCA.cert).toBe(caBefore);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cleans up what started when start-up fails or is aborted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-srv-'));
    try {
      const options = serverOptions({ dataDir: dir, httpsListenPort: 0, bindAddress: '127.0.0.1', datastoreEndpoint: 'memory://', readyTimeoutMs: 100, disableAgent: true });
      let fake: FakeApiServer | undefined;
      await expect(startServer(options, { log: silentLogger, progress: () => {}, startControllers: noControllers, createApiServer: (o) => (fake = new FakeApiServer(o, 60_000)) }))
        .rejects.toThrow('API server not ready after');
      expect(fake!.closed).toBe(true);

      const abort = new AbortController();
      setTimeout(() => abort.abort(), 50);
      await expect(startServer({ ...options, readyTimeoutMs: 60_000 }, { log: silentLogger, progress: () => {}, signal: abort.signal, startControllers: noControllers, createApiServer: (o) => new FakeApiServer(o, 60_000) }))
        .rejects.toThrow();
      // The lock was released both times.
      const ok = await startServer(options, { log: silentLogger, progress: () => {}, startControllers: noControllers, createApiServer: (o) => new FakeApiServer(o) });
      await ok.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
