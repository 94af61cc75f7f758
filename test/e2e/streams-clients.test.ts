// The JS client (@kubernetes/client-node: Exec and PortForward over v5/v4 channels) and the
// Python client (kubernetes.stream: exec and portforward, when python3-kubernetes is installed)
// against the node proxy and the agent endpoint, the "container" being the host.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Exec, KubeConfig, PortForward, type V1Status } from '@kubernetes/client-node';
import { silentLogger } from '../../src/api/log.js';
import { startAgentServer, type AgentServer } from '../../src/agent/server/index.js';
import { HostFakeRuntime, createTestPki, fakeLocator } from '../../src/agent/streams/testing/fakes.js';
import { podAndNode, startFakeApi, type FakeApi } from '../../src/apiserver/proxy/testing/fake-api.js';

let dir: string;
let runtime: HostFakeRuntime;
let agent: AgentServer;
let api: FakeApi;
let echo: Server;
let echoPort: number;
let kc: KubeConfig;

const hasPython = spawnSync('/usr/bin/python3', ['-c', 'import kubernetes.stream'], { timeout: 20_000 }).status === 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kites-client-streams-'));
  const pki = await createTestPki();
  runtime = new HostFakeRuntime(join(dir, 'web.log'));
  const locator = fakeLocator(runtime, { 'default/web': { containers: ['web'], logPath: () => join(dir, 'web.log') } });
  agent = await startAgentServer({ host: '127.0.0.1', port: 0, tls: { clientCA: pki.clientCA }, locator, log: silentLogger });
  const { pod, node } = podAndNode({ name: 'web', containers: ['web'], agentPort: agent.port });
  api = await startFakeApi({ pods: [pod], nodes: [node], clientTls: pki.client, log: silentLogger, dir });
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
  kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
});

afterAll(async () => {
  await api?.close();
  await agent?.close();
  await runtime?.close();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function collect(s: PassThrough): () => string {
  let text = '';
  s.on('data', (b: Buffer) => (text += b.toString()));
  return () => text;
}

async function jsExec(command: string[], stdin: Readable | null): Promise<{ stdout: string; stderr: string; status: V1Status }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout = collect(out);
  const stderr = collect(err);
  const status = await new Promise<V1Status>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('exec timed out')), 10_000);
    new Exec(kc).exec('default', 'web', 'web', command, out, err, stdin, false, (s) => {
      clearTimeout(t);
      resolve(s);
    }).catch(reject);
  });
  await new Promise((r) => setTimeout(r, 20));
  return { stdout: stdout(), stderr: stderr(), status };
}

describe('@kubernetes/client-node', () => {
  it('Exec: output, status with the exit code, stdin ended by the v5 close', async () => {
    const failed = await jsExec(['sh', '-c', 'echo out; echo err >&2; exit 4'], null);
    expect(failed.stdout).toBe('out\n');
    expect(failed.stderr).toBe('err\n');
    expect(failed.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '4' }] } });
    const piped = await jsExec(['sh', '-c', 'cat; echo end'], Readable.from([Buffer.from('from js\n')]));
    expect(piped.stdout).toBe('from js\nend\n');
    expect(piped.status.status).toBe('Success');
  });

  it('PortForward (v4 channels) relays a TCP connection', async () => {
    const pf = new PortForward(kc);
    const local = createServer((socket) => {
      void pf.portForward('default', 'web', [echoPort], socket, null, socket).catch(() => socket.destroy());
    });
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    try {
      const port = (local.address() as { port: number }).port;
      const got = await new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1');
        let data = '';
        const t = setTimeout(() => {
          s.destroy();
          reject(new Error(`no echo, got ${JSON.stringify(data)}`));
        }, 10_000);
        s.on('data', (b) => {
          data += b.toString();
          if (data === 'hello js') {
            clearTimeout(t);
            s.destroy();
            resolve(data);
          }
        });
        s.on('error', reject);
        s.write('hello js');
      });
      expect(got).toBe('hello js');
    } finally {
      await new Promise<void>((r) => local.close(() => r()));
    }
  });
});

const pythonScript = `
import json, socket, sys
from kubernetes import client, config
from kubernetes.stream import stream, portforward
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
out = {}
resp = stream(v1.connect_get_namespaced_pod_exec, 'web', 'default', command=['sh', '-c', 'echo py; exit 5'],
              stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
resp.run_forever(timeout=10)
out['stdout'] = resp.read_stdout()
out['exit'] = resp.returncode
resp = stream(v1.connect_get_namespaced_pod_exec, 'web', 'default', command=['head', '-n', '1'],
              stderr=True, stdin=True, stdout=True, tty=False, _preload_content=False)
resp.write_stdin('from python\\n')
resp.run_forever(timeout=10)
out['stdin'] = resp.read_stdout()
out['plain'] = stream(v1.connect_get_namespaced_pod_exec, 'web', 'default', command=['echo', 'simple'],
                      stderr=True, stdin=False, stdout=True, tty=False)
pf = portforward(v1.connect_get_namespaced_pod_portforward, 'web', 'default', ports=sys.argv[2])
sock = pf.socket(int(sys.argv[2]))
sock.setblocking(True)
sock.settimeout(10)
sock.sendall(b'hello py')
got = b''
while len(got) < 8:
    chunk = sock.recv(1024)
    if not chunk:
        break
    got += chunk
out['echo'] = got.decode()
sock.close()
print(json.dumps(out))
`;

describe.skipIf(!hasPython)('Python client (kubernetes.stream)', () => {
  it('exec (v4 Status exit code) and portforward', async () => {
    const script = join(dir, 'streams.py');
    writeFileSync(script, pythonScript);
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('/usr/bin/python3', [script, api.kubeconfigPath, String(echoPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (code) => {
        clearTimeout(t);
        resolve({ code, stdout, stderr });
      });
    });
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(out).toEqual({ stdout: 'py\n', exit: 5, stdin: 'from python\n', plain: 'simple\n', echo: 'hello py' });
  }, 40_000);
});
