// Pod start through the CRI runtime against containerd, next to the `ctr run` floor: a private
// containerd in a throw-away network namespace (the test fixture), N pods one after another, each
// RunPodSandbox (CNI bridge) + CreateContainer + StartContainer until the container reports
// running; the floor is `ctr run -d` of the same image on the host network (no sandbox, no CNI).
//   sudo node bench/pod-start-containerd.mjs [pods=20]
// Needs root, containerd, runc, CNI plugins in /usr/lib/cni, python3 (see the fixture).
import { register } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { ContainerdFixture, containerdUnavailable, BUSYBOX } = await import('../src/agent/runtime/cri/testing/containerd-fixture.ts');
const { createCriRuntime } = await import('../src/agent/runtime/cri/index.ts');
const { createLogger } = await import('../src/api/log.ts');

const run = promisify(execFile);
const n = Number(process.argv[2]) || 20;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const summary = (name, xs) => console.log(`${name.padEnd(28)} n=${xs.length} p50=${pct(xs, 50).toFixed(0)}ms p99=${pct(xs, 99).toFixed(0)}ms mean=${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(0)}ms`);

const why = containerdUnavailable();
if (why) {
  console.log(`skipped: ${why}`);
} else {
  const fixture = await ContainerdFixture.start();
  const dir = mkdtempSync(join(tmpdir(), 'kites-bench-cri-'));
  const cri = await createCriRuntime({ endpoint: fixture.socket, log: createLogger({ level: 'warn' }), dialStream: fixture.dialStream });
  try {
    const podTimes = [];
    for (let i = 0; i < n; i++) {
      const sb = { uid: `u${i}`, name: `p${i}`, namespace: 'bench', attempt: 0, hostname: `p${i}`, hostNetwork: false, portMappings: [], labels: {}, annotations: {}, logDirectory: join(dir, `p${i}`) };
      const t0 = performance.now();
      const sandbox = await cri.runtime.runPodSandbox(sb);
      const id = await cri.runtime.createContainer(sandbox, {
        name: 'c', attempt: 0, image: BUSYBOX, command: ['sleep', '3600'], args: [], env: [], mounts: [], logPath: join(dir, `p${i}`, 'c', '0.log'),
        stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {},
      }, sb);
      await cri.runtime.startContainer(id);
      if ((await cri.runtime.containerStatus(id))?.state !== 'running') throw new Error('container not running');
      podTimes.push(performance.now() - t0);
    }
    const ctrTimes = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fixture.ctr('run', '-d', '--net-host', BUSYBOX, `floor-${i}`, 'sleep', '3600');
      ctrTimes.push(performance.now() - t0);
    }
    summary('CRI pod (sandbox+container)', podTimes);
    summary('ctr run -d (floor)', ctrTimes);
    for (let i = 0; i < n; i++) {
      await fixture.ctr('task', 'kill', '-s', 'SIGKILL', `floor-${i}`).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < n; i++) {
      await fixture.ctr('task', 'delete', `floor-${i}`).catch(() => {});
      await fixture.ctr('containers', 'delete', `floor-${i}`).catch(() => {});
    }
  } finally {
    await cri.close();
    await fixture.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
