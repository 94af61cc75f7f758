// The CRI runtime against a private containerd in a test network namespace: the shared runtime
// conformance suite, then what only a real container runtime does (pod IPs, image entrypoints,
// limits, users, read-only roots, streams, pulls, a containerd restart).
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { runtimeConformance, sandboxConfig, containerConfig } from '../testing/conformance.js';
import { parseCriLogLine } from '../process/cri-log.js';
import { createLogger } from '../../../api/log.js';
import type { ContainerConfig, PodSandboxConfig } from '../types.js';
import { BUSYBOX, ECHO, POD_SUBNET_PREFIX, ContainerdFixture, containerdUnavailable } from './testing/containerd-fixture.js';
import { ContainerConfigRefusedError, createCriRuntime, type CriContainerRuntime } from './index.js';
import { RegistryFixture, registryUnavailable } from './testing/registry-fixture.js';

const skip = containerdUnavailable();
const log = createLogger({ level: 'warn' });

async function until<T>(fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

describe.skipIf(skip !== undefined)(`CRI runtime on containerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let fixture: ContainerdFixture;
  beforeAll(async () => { fixture = await ContainerdFixture.start(); });
  afterAll(async () => { await fixture?.stop(); });

  const open = (): Promise<CriContainerRuntime> => createCriRuntime({
    endpoint: fixture.socket, log, timeoutMs: 20_000, nodeIPs: ['192.0.2.10'], dialStream: fixture.dialStream,
  });

  runtimeConformance('cri', async () => {
    const rt = await open();
    return { runtime: rt.runtime, cleanup: () => rt.close() };
  }, { runsPrograms: true, sharesTestLoopback: false });

  describe('pods on their own network', () => {
    let dir: string;
    let cri: CriContainerRuntime;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kites-cri-pods-'));
      cri = await open();
    });
    afterEach(async () => {
      for (const sb of await cri.runtime.listPodSandboxes()) await cri.runtime.removePodSandbox(sb.id);
    });
    afterAll(async () => {
      await cri?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const pod = (name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig => ({ ...sandboxConfig(dir, name), hostNetwork: false, ...extra });
    const ctr = (name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig =>
      containerConfig(dir, name, command, { image: BUSYBOX, logPath: join(dir, 'logs', name, '0.log'), ...extra });
    const start = async (sb: PodSandboxConfig, c: ContainerConfig): Promise<{ sandbox: string; id: string }> => {
      const sandbox = await cri.runtime.runPodSandbox(sb);
      const id = await cri.runtime.createContainer(sandbox, c, sb);
      await cri.runtime.startContainer(id);
      return { sandbox, id };
    };
    const exited = (id: string) => until(async () => { const s = await cri.runtime.containerStatus(id); return s?.state === 'exited' ? s : undefined; });
    const logLines = (c: ContainerConfig) => readFileSync(c.logPath, 'utf8').trim().split('\n').map((l) => parseCriLogLine(l)?.content);

    it('gives the pod an IP from the CNI network, its hostname and its resolv.conf', async () => {
      const dnsConfig = { servers: ['10.43.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] };
      const { sandbox, id } = await start(pod('web', { hostname: 'web-0', dnsConfig }), ctr('c', ['sleep', '30']));
      const resolv = (await cri.runtime.execSync(id, ['cat', '/etc/resolv.conf'], 5000)).stdout.toString();
      expect(resolv).toContain('nameserver 10.43.0.10');
      expect(resolv).toContain('search default.svc.cluster.local svc.cluster.local');
      expect(resolv).toContain('options ndots:5');
      const st = await cri.runtime.podSandboxStatus(sandbox);
      expect(st?.ips).toHaveLength(1);
      expect(st!.ips[0]!.startsWith(POD_SUBNET_PREFIX)).toBe(true);
      const r = await cri.runtime.execSync(id, ['sh', '-c', 'hostname; ip -4 addr show eth0 | grep -o "inet [0-9.]*"'], 5000);
      expect(r.stdout.toString().split('\n').slice(0, 2)).toEqual(['web-0', `inet ${st!.ips[0]}`]);
    });

    it('runs the image entrypoint when no command is given, with args appended', async () => {
      const plain = ctr('plain', [], { image: ECHO });
      const withArgs = ctr('withargs', [], { image: ECHO, args: ['and', 'args'] });
      const sb = pod('ep');
      const sandbox = await cri.runtime.runPodSandbox(sb);
      for (const c of [plain, withArgs]) await cri.runtime.startContainer(await cri.runtime.createContainer(sandbox, c, sb));
      const ids = (await cri.runtime.listContainers({ sandboxId: sandbox })).map((c) => c.id);
      for (const id of ids) expect((await exited(id)).exitCode).toBe(0);
      expect(logLines(plain)).toEqual(['from-entrypoint']);
      expect(logLines(withArgs)).toEqual(['from-entrypoint and args']);
    });

    it('kills a container over its memory limit and reports OOMKilled', async () => {
      const c = ctr('hog', ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], { resources: { limits: { memory: '16Mi' } } });
      const { id } = await start(pod('oom'), c);
      // containerd records the OOM from a separate cgroup event, which may land just after the exit
      const st = await exited(id);
      const final = await until(async () => { const s = await cri.runtime.containerStatus(id); return s?.reason === 'OOMKilled' ? s : undefined; }, 5000)
        .catch(() => st);
      expect([final.reason, final.exitCode]).toEqual(['OOMKilled', 137]);
    });

    it('runs as the user, group and supplemental groups of the security contexts', async () => {
      const sb = pod('users', { linux: { securityContext: { runAsUser: 1000, supplementalGroups: [3000], fsGroup: 4000 } } });
      const { id } = await start(sb, ctr('c', ['sleep', '30'], { securityContext: { runAsUser: 1234, runAsGroup: 2345 } }));
      const r = await cri.runtime.execSync(id, ['sh', '-c', 'id -u; id -g; id -G'], 5000);
      const [uid, gid, groups] = r.stdout.toString().trim().split('\n');
      expect([uid, gid]).toEqual(['1234', '2345']);
      expect(groups!.split(' ').sort()).toEqual(['2345', '3000', '4000']);
    });

    it('refuses runAsNonRoot when the image runs as root', async () => {
      const sb = pod('nonroot');
      const sandbox = await cri.runtime.runPodSandbox(sb);
      const err = await cri.runtime.createContainer(sandbox, ctr('c', ['true'], { securityContext: { runAsNonRoot: true } }), sb).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContainerConfigRefusedError);
      expect((err as Error).message).toMatch(/^container has runAsNonRoot and image will run as root/);
      // with a non-root user it is allowed
      await cri.runtime.createContainer(sandbox, ctr('ok', ['true'], { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }), sb);
    });

    it('mounts the root filesystem read-only and drops capabilities', async () => {
      const { id } = await start(pod('ro'), ctr('c', ['sleep', '30'], {
        securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['CHOWN'] }, allowPrivilegeEscalation: false },
      }));
      const write = await cri.runtime.execSync(id, ['touch', '/x'], 5000);
      expect(write.exitCode).not.toBe(0);
      expect(write.stderr.toString()).toMatch(/Read-only file system/);
      const status = (await cri.runtime.execSync(id, ['grep', '-E', '^(CapEff|NoNewPrivs)', '/proc/self/status'], 5000)).stdout.toString();
      expect(status).toMatch(/NoNewPrivs:\s+1/);
      expect(BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(status)![1]}`) & 1n).toBe(0n); // CAP_CHOWN is bit 0
    });

    it('runs exec with a tty and attaches to a container with stdin', async () => {
      const { id } = await start(pod('tty'), ctr('c', ['sh', '-c', 'read line; echo "got $line"; sleep 30'], { stdin: true }));
      const out = collect();
      const code = await cri.runtime.exec(id, ['sh', '-c', 'test -t 0 && echo tty; exit 5'], { stdin: new PassThrough(), stdout: out.stream, tty: true });
      expect(code).toBe(5);
      expect(out.text()).toContain('tty');
      const stdin = new PassThrough();
      const attached = collect();
      const done = cri.runtime.attach(id, { stdin, stdout: attached.stream, tty: false });
      stdin.write('hello\n');
      await until(async () => attached.text().includes('got hello') || undefined);
      attached.stream.destroy();
      await done;
    });

    it('forwards a port into the pod network namespace', async () => {
      const { sandbox } = await start(pod('http'), ctr('c', ['sh', '-c', 'mkdir -p /tmp/w && echo pong > /tmp/w/index.html && exec httpd -f -p 8080 -h /tmp/w']));
      const ask = async (): Promise<string> => {
        const back = collect();
        const duplex = new Duplex({ read() {}, write(c: Buffer, _e, cb) { back.stream.write(c); cb(); } });
        const done = cri.runtime.portForward(sandbox, 8080, duplex);
        duplex.push('GET / HTTP/1.0\r\n\r\n');
        await Promise.race([done, until(async () => back.text().includes('pong') || undefined, 5000)]).catch(() => {});
        duplex.destroy();
        await done.catch(() => {});
        return back.text();
      };
      // httpd may not listen yet right after the start
      await until(async () => (await ask()).includes('pong') || undefined);
    });

    it('keeps the runtime error message when a pull fails', async () => {
      await expect(cri.images.pullImage({ image: '127.0.0.1:1/missing/image:1' })).rejects.toThrow(/127\.0\.0\.1:1.*connection refused|connection refused/);
      expect(await cri.images.imageStatus({ image: '127.0.0.1:1/missing/image:1' })).toBeUndefined();
      const images = await cri.images.listImages();
      expect(images.some((i) => i.repoTags.includes(BUSYBOX))).toBe(true);
      expect((await cri.images.imageStatus({ image: BUSYBOX }))?.size).toBeGreaterThan(0);
      const fs = await cri.imageFsInfo();
      expect(fs.mountpoint).toContain(fixture.dir);
      expect((await cri.runtime.info()).runtimeName).toBe('containerd');
    });

    it('keeps working across a containerd restart', async () => {
      const { id } = await start(pod('survivor'), ctr('c', ['sleep', '60']));
      await fixture.stopDaemon();
      try {
        const t0 = Date.now();
        await expect(cri.runtime.containerStatus(id)).rejects.toThrow(/container runtime/);
        expect(Date.now() - t0).toBeLessThan(3000);
      } finally {
        await fixture.startDaemon();
      }
      const st = await until(async () => cri.runtime.containerStatus(id).catch(() => undefined), 10_000);
      expect(st.state).toBe('running');
      expect((await cri.runtime.execSync(id, ['true'], 5000)).exitCode).toBe(0);
    });
  });

  describe.skipIf(registryUnavailable() !== undefined)('image pulls from a registry with basic auth', () => {
    let cri: CriContainerRuntime;
    let registry: RegistryFixture;
    const image = 'kites/busybox:1';
    beforeAll(async () => {
      registry = await RegistryFixture.start({
        dir: fixture.dir, netns: fixture.netns, username: 'puller', password: 's3cret', archive: join(fixture.dir, 'busybox.tar'), image,
      });
      cri = await open();
    });
    afterAll(async () => {
      await cri?.close();
      await registry?.stop();
    });

    it('refuses an anonymous pull with the registry message, then pulls with credentials', async () => {
      const ref = `${registry.host}/${image}`;
      await expect(cri.images.pullImage({ image: ref })).rejects.toThrow(/401 Unauthorized|authorization failed|unauthorized/i);
      const id = await cri.images.pullImage({ image: ref }, { username: 'puller', password: 's3cret', serverAddress: registry.host });
      expect(id).toMatch(/^sha256:/);
      const st = await cri.images.imageStatus({ image: ref });
      expect(st?.repoTags).toContain(ref);
      expect(st?.repoDigests.some((d) => d.startsWith(`${registry.host}/kites/busybox@sha256:`))).toBe(true);
      await cri.images.removeImage({ image: ref });
      expect(await cri.images.imageStatus({ image: ref })).toBeUndefined();
      // the docker config `auth` form (base64 user:password)
      expect(await cri.images.pullImage({ image: ref }, { auth: Buffer.from('puller:s3cret').toString('base64') })).toBe(id);
      await expect(cri.images.pullImage({ image: `${registry.host}/kites/busybox:nope` }, { username: 'puller', password: 's3cret' })).rejects.toThrow(/not found/);
    });
  });
});
