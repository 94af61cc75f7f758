// The whole chain in one `kites server` (started in-process from the sources, process runtime):
// kubectl → API server → node proxy → agent endpoint → process runtime, for logs, exec (exit
// code, piped stdin), cp and port-forward on a real pod.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/api/log.js';
import { serverOptions } from '../../src/server/options.js';
import { startServer, type RunningServer } from '../../src/server/server.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { timeout: 10_000 }).status === 0;

interface Run { code: number | null; stdout: string; stderr: string }

let dataDir: string;
let srv: RunningServer | undefined;
let echo: Server;
let echoPort: number;

function kubectl(args: string[], input?: string, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn('kubectl', ['--kubeconfig', srv!.kubeconfigPath, ...args]);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.stdin.on('error', () => {});
    c.stdin.end(input ?? '');
    const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

const pod = `apiVersion: v1
kind: Pod
metadata: {name: streams, namespace: default}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo hello-from-pod; exec sleep 60"]
`;

describe.skipIf(!hasKubectl)('streams through kites server', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kites-streams-server-'));
    srv = await startServer(
      serverOptions({ dataDir, httpsListenPort: 0, bindAddress: '127.0.0.1', runtime: 'process', nodeName: 'streams-node', logLevel: 'error', kubeletPort: 0, ingressHttpPort: 0, ingressHttpsPort: 0 }),
      { log: createLogger({ level: 'error' }), progress: () => {} },
    );
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as { port: number }).port;
    expect((await kubectl(['apply', '-f', '-'], pod)).code).toBe(0);
    let phase = '';
    for (let i = 0; i < 150 && phase !== 'Running'; i++) {
      phase = (await kubectl(['get', 'pod', 'streams', '-o', 'jsonpath={.status.phase}'])).stdout;
      if (phase !== 'Running') await new Promise((r) => setTimeout(r, 200));
    }
    expect(phase).toBe('Running');
  }, 90_000);

  afterAll(async () => {
    if (srv) {
      await kubectl(['delete', 'pod', 'streams', '--grace-period=0', '--force', '--wait=false']).catch(() => undefined);
      // give the agent a moment to stop the pod's process before the server goes away
      await new Promise((r) => setTimeout(r, 500));
      await srv.stop();
    }
    await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('logs, exec, cp and port-forward', async () => {
    let logs: Run = { code: null, stdout: '', stderr: '' };
    for (let i = 0; i < 50 && !logs.stdout.includes('hello-from-pod'); i++) {
      logs = await kubectl(['logs', 'streams']);
      if (!logs.stdout.includes('hello-from-pod')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(logs).toMatchObject({ code: 0, stdout: 'hello-from-pod\n' });

    const failed = await kubectl(['exec', 'streams', '--', 'sh', '-c', 'echo exec-ok; exit 2']);
    expect(failed).toMatchObject({ code: 2, stdout: 'exec-ok\n', stderr: 'command terminated with exit code 2\n' });
    expect(await kubectl(['exec', '-i', 'streams', '--', 'cat'], 'piped\n')).toMatchObject({ code: 0, stdout: 'piped\n' });

    const src = join(dataDir, 'cp-src');
    writeFileSync(src, 'cp-content');
    const cp = await kubectl(['cp', src, `default/streams:${dataDir}/cp-dest`]);
    expect(cp.code, cp.stderr).toBe(0);
    expect(readFileSync(join(dataDir, 'cp-dest'), 'utf8')).toBe('cp-content');

    const child = spawn('kubectl', ['--kubeconfig', srv!.kubeconfigPath, 'port-forward', 'pod/streams', `:${echoPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const local = await new Promise<number>((resolve, reject) => {
        let out = '';
        const t = setTimeout(() => reject(new Error(`port-forward did not start: ${out}`)), 15_000);
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(Number(m[1]));
          }
        });
      });
      const got = await new Promise<string>((resolve, reject) => {
        const s = connect(local, '127.0.0.1');
        const t = setTimeout(() => {
          s.destroy();
          reject(new Error('no echo'));
        }, 10_000);
        s.on('error', reject);
        s.on('data', (b) => {
          clearTimeout(t);
          s.destroy();
          resolve(b.toString());
        });
        s.write('pf-ok');
      });
      expect(got).toBe('pf-ok');
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
