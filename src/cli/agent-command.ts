// `kites agent`: joins this machine to a cluster as a node, as `k3s agent` does. The token says
// which server CA to trust (its hash), and authenticates the agent to the API server.
import { Command, InvalidArgumentError, Option } from 'commander';
import { createHash } from 'node:crypto';
import https from 'node:https';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { CliIO } from './io.js';
import { logLevels, runtimes, type RuntimeName } from '../server/options.js';
import type { LogLevel } from '../api/log.js';
import { defaultDataDir } from '../server/data-dir.js';

interface AgentFlags {
  server?: string; token?: string; dataDir?: string; nodeName?: string; nodeIp: string; kubeletPort: number;
  runtime: RuntimeName; simulatedNodes?: number; logLevel: LogLevel;
  pauseImage: string; privateRegistry?: string; containerRuntimeEndpoint?: string;
}

const port = (v: string) => { const n = Number(v); if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.'); return n; };

export function agentCommand(io: CliIO): Command {
  return new Command('agent')
    .description('Join this machine to a cluster as a node: registers a Node and runs its pods')
    .addOption(new Option('-s, --server <url>', 'URL of a kites server, e.g. https://10.0.0.1:6443').env('KITES_URL'))
    .addOption(new Option('-t, --token <token>', 'join token (the server keeps it in <data-dir>/token)').env('KITES_TOKEN'))
    .addOption(new Option('-d, --data-dir <dir>', 'folder holding the agent state (default: the server\'s default data dir)'))
    .addOption(new Option('--node-name <name>', 'name of this node (default: the host name); unique in the cluster'))
    .addOption(new Option('--node-ip <ip>', 'InternalIP of this node: pod IPs on the process runtime, and where the API server reaches the agent').default('127.0.0.1'))
    .addOption(new Option('--kubelet-port <port>', 'port of the agent\'s HTTPS endpoint (logs, exec, port-forward); 0: any free port').argParser(port).default(0))
    .addOption(new Option('--runtime <name>', 'container runtime: process (containers as host processes), containerd (real containers, root; one containerd node per machine), simulated (for scale tests)').choices(runtimes).default('process'))
    .addOption(new Option('--pause-image <ref>', 'image of pod sandboxes (containerd runtime); kites.local/pause is built from the host\'s static busybox when absent').default('kites.local/pause:3.10'))
    .addOption(new Option('--private-registry <file>', 'registries.yaml (k3s format): registry mirrors and credentials for the containerd runtime'))
    .addOption(new Option('--container-runtime-endpoint <socket>', 'use this existing CRI socket instead of starting containerd'))
    .addOption(new Option('--simulated-nodes <n>', 'with --runtime simulated: how many nodes this agent hosts').argParser((v: string) => { const n = Number(v); if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer'); return n; }))
    .addOption(new Option('--log-level <level>', 'log verbosity').choices(logLevels).default('info'))
    .action(async (f: AgentFlags) => {
      io.exit(await runAgent(f, io));
    });
}

/** The server CA, fetched without trust and accepted only if its hash matches the token's. */
async function fetchServerCA(server: string, token: string): Promise<string> {
  const m = /^K10([0-9a-f]{64})::/.exec(token);
  const pem = await new Promise<string>((res, rej) => {
    const url = new URL('/cacerts', server);
    https.get({ host: url.hostname, port: url.port, path: url.pathname, rejectUnauthorized: false, timeout: 10_000 }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => { body += d; });
      r.on('end', () => (r.statusCode === 200 ? res(body) : rej(new Error(`GET /cacerts: HTTP ${r.statusCode}`))));
    }).on('error', rej).on('timeout', function (this: { destroy(e: Error): void }) { this.destroy(new Error('timed out')); });
  });
  if (m && createHash('sha256').update(pem).digest('hex') !== m[1]) {
    throw new Error('the server\'s CA does not match the hash in the token (wrong server, or a token from another cluster)');
  }
  return pem;
}

async function runAgent(f: AgentFlags, io: CliIO): Promise<number> {
  if (!f.server || !f.token) {
    io.err('kites: agent needs --server and --token (the server writes its token to <data-dir>/token)\n');
    return 1;
  }
  const dataDir = resolve(f.dataDir ?? defaultDataDir());
  mkdirSync(join(dataDir, 'agent'), { recursive: true });
  const { createLogger } = await import('../api/log.js');
  const log = createLogger({ level: f.logLevel, component: 'kites-agent' });
  const abort = new AbortController();
  try {
    const ca = await fetchServerCA(f.server, f.token);
    const { HttpTransport } = await import('../client/http-transport.js');
    const transport = new HttpTransport({ server: f.server, ca, token: f.token });
    const clientCA = String((await transport.request({ method: 'GET', path: '/v1-kites/client-ca' })).body);
    if (!clientCA.includes('BEGIN CERTIFICATE')) throw new Error('the server did not hand out its client CA (is the token right?)');
    const { startEmbeddedAgent } = await import('../server/agent.js');
    const nodeName = (f.nodeName ?? hostname()).toLowerCase();
    const agent = await startEmbeddedAgent({
      options: {
        runtime: f.runtime, nodeName, nodeIp: f.nodeIp, kubeletPort: f.kubeletPort, simulatedNodes: f.simulatedNodes ?? 1, controlPlane: false,
        pauseImage: f.pauseImage, privateRegistry: f.privateRegistry ? resolve(f.privateRegistry) : undefined, containerRuntimeEndpoint: f.containerRuntimeEndpoint,
      },
      transport, clientCA, dataDir, log,
    });
    io.err(`kites: agent running node ${agent.nodeNames.length > 3 ? `${agent.nodeNames.length} nodes` : agent.nodeNames.join(', ')} (${f.runtime} runtime), joined ${f.server}\n`);
    await new Promise<void>((res) => {
      const stop = () => { abort.abort(); res(); };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    io.err('kites: agent stopping\n');
    const deadline = setTimeout(() => { io.err('kites: agent did not stop in time\n'); process.exit(1); }, 10_000);
    await agent.stop();
    clearTimeout(deadline);
    return 0;
  } catch (e) {
    io.err(`kites: agent failed: ${(e as Error).message}\n`);
    return 1;
  }
}
