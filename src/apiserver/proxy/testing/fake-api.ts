// For tests of the node proxy with real clients: an HTTPS "API server" that serves one pod (and
// its node) with just enough discovery for kubectl, and hands pods/log|exec|attach|portforward to
// createNodeProxy. Accepts any bearer token.
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../api/types.js';
import type { Logger } from '../../../api/log.js';
import { createSelfSignedServingCertificate } from '../../../agent/server/serving-cert.js';
import { createNodeProxy } from '../node-proxy.js';

export interface FakeApi {
  url: string;
  kubeconfigPath: string;
  close(): Promise<void>;
}

const podPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(?:\/(log|exec|attach|portforward))?$/;

export async function startFakeApi(opts: {
  pods: KubeObject[];
  nodes: KubeObject[];
  clientTls: { cert: string; key: string };
  log: Logger;
  dir?: string;
}): Promise<FakeApi> {
  const proxy = createNodeProxy({
    lookupPod: async (ns, name) => opts.pods.find((p) => p.metadata?.namespace === ns && p.metadata?.name === name),
    lookupNode: async (name) => opts.nodes.find((n) => n.metadata?.name === name),
    clientTls: opts.clientTls,
    log: opts.log,
  });
  const server: Server = createServer(createSelfSignedServingCertificate({ nodeName: 'fake-api' }));
  const sockets = new Set<Duplex>();
  server.on('secureConnection', (s: Duplex) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const json = (res: import('node:http').ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'https://fake');
    const m = podPath.exec(url.pathname);
    if (m && m[3]) {
      void proxy.handleRequest(req, res, { namespace: m[1]!, pod: m[2]!, subresource: m[3], query: url.searchParams });
      return;
    }
    if (m) {
      const pod = opts.pods.find((p) => p.metadata?.namespace === m[1] && p.metadata?.name === m[2]);
      if (!pod) return json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `pods "${m[2]}" not found`, details: { name: m[2], kind: 'pods' } });
      return json(res, 200, pod);
    }
    switch (url.pathname) {
      case '/api':
        return json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
      case '/apis':
        return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
      case '/api/v1':
        return json(res, 200, {
          kind: 'APIResourceList', groupVersion: 'v1', resources: [
            { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
            { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
            { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
            { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
            { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
          ],
        });
      case '/version':
        return json(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-kites' });
      default:
        return json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
    }
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://fake');
    const m = podPath.exec(url.pathname);
    if (!m || !m[3]) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    void proxy.handleUpgrade(req, socket, head, { namespace: m[1]!, pod: m[2]!, subresource: m[3], query: url.searchParams });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const url = `https://127.0.0.1:${port}`;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'kites-fake-api-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: fake', '  cluster:', `    server: ${url}`, '    insecure-skip-tls-verify: true',
    'users:', '- name: u', '  user:', '    token: test-token',
    'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: u', '    namespace: default',
    'current-context: fake', '',
  ].join('\n'));
  return {
    url,
    kubeconfigPath,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A Running pod and its node, pointing at an agent on 127.0.0.1:`agentPort`. */
export function podAndNode(opts: { name: string; namespace?: string; containers: string[]; agentPort: number; nodeName?: string; annotations?: Record<string, string> }): { pod: KubeObject; node: KubeObject } {
  const nodeName = opts.nodeName ?? 'node-1';
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: opts.name, namespace: opts.namespace ?? 'default', uid: `uid-${opts.name}`, resourceVersion: '1', creationTimestamp: '2026-11-22T10:00:00Z', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: { nodeName, containers: opts.containers.map((name) => ({ name, image: 'host' })) },
    status: {
      phase: 'Running',
      containerStatuses: opts.containers.map((name) => ({ name, ready: true, restartCount: 0, image: 'host', imageID: '', state: { running: { startedAt: '2026-11-22T10:00:00Z' } } })),
    },
  };
  const node: KubeObject = {
    apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'localhost' }], daemonEndpoints: { kubeletEndpoint: { Port: opts.agentPort } } },
  };
  return { pod, node };
}
