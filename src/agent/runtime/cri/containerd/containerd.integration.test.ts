// containerd for real: the supervisor starts it inside a test-created network namespace, air-gap
// tarballs are imported, pulls go through CRI to local docker-registry instances on the
// namespace's loopback (direct, through a docker.io mirror, and with registries.yaml credentials
// for an htpasswd-protected one), the image manager runs against it, and a kill -9 is survived.
// Needs root, containerd, ctr, nsenter, ip, docker-registry, skopeo and python3 (skipped otherwise).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { silentLogger } from '../../../../api/log.js';
import { realClock } from '../../../../client/clock.js';
import type { PodObject } from '../../../pods/pod-types.js';
import { createCriRuntime, type CriContainerRuntime } from '../index.js';
import { importAirgapImages } from '../../../images/airgap.js';
import { ImagePuller } from '../../../images/puller.js';
import { ImageGC } from '../../../images/gc.js';
import { nodeStatusImages } from '../../../images/node-images.js';
import type { ContainerdSupervisor } from './supervisor.js';
import { prepareContainerd } from './node-runtime.js';

const run = promisify(execFile);
const BUILDER = '/work/shared/acceptance/images/build-busybox-image.py';

function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const bin of ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/bin/nsenter', '/usr/bin/docker-registry', '/usr/bin/skopeo', '/usr/bin/curl', '/usr/bin/openssl', BUILDER]) {
    if (!existsSync(bin)) return `${bin} is missing`;
  }
  return undefined;
}
const skip = unavailable();

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.skipIf(!!skip)(`containerd supervisor and images against containerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const ns = `kites-test-${randomBytes(4).toString('hex')}`;
  const PLAIN = 5001;
  const AUTH = 5002;
  const TLS = 5003;
  let dir: string;
  let dataDir: string;
  const registries: ChildProcess[] = [];
  let sup: ContainerdSupervisor | undefined;
  let cri: CriContainerRuntime | undefined;
  let startImported: string[] = [];
  const inNs = (cmd: string, args: string[], timeout = 60_000) => run('nsenter', [`--net=/run/netns/${ns}`, '--', cmd, ...args], { timeout });

  async function startRegistry(port: number, htpasswd?: string, tls?: { cert: string; key: string }): Promise<void> {
    const cfg = join(dir, `registry-${port}.yml`);
    const auth = htpasswd ? `auth:\n  htpasswd:\n    realm: kites\n    path: ${htpasswd}\n` : '';
    const tlsCfg = tls ? `  tls:\n    certificate: ${tls.cert}\n    key: ${tls.key}\n` : '';
    await writeFile(cfg, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, `registry-${port}`)}\nhttp:\n  addr: 127.0.0.1:${port}\n${tlsCfg}${auth}`);
    const p = spawn('nsenter', [`--net=/run/netns/${ns}`, '--', 'docker-registry', 'serve', cfg], { stdio: 'ignore' });
    registries.push(p);
    for (let i = 0; i < 100; i++) {
      const code = await inNs('curl', ['-s', '-k', '-o', '/dev/null', '-w', '%{http_code}', `${tls ? 'https' : 'http'}://127.0.0.1:${port}/v2/`], 5000).then((r) => r.stdout, () => '');
      if (code === '200' || code === '401') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`registry on ${port} did not come up`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kites-ctd-it-'));
    dataDir = join(dir, 'data');
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const busybox = join(dir, 'busybox.tar');
    await run('python3', [BUILDER, busybox, '--ref', 'docker.io/library/busybox:1.36'], { timeout: 60_000 });
    const images = join(dataDir, 'agent', 'images');
    await mkdir(images, { recursive: true });
    await run('python3', [BUILDER, join(images, 'airgap.tar'), '--ref', 'docker.io/kites/airgap:1', '--entrypoint', '/bin/echo', 'airgap'], { timeout: 60_000 });
    await run('python3', [BUILDER, join(dir, 'gz.tar'), '--ref', 'docker.io/kites/airgap-gz:1', '--entrypoint', '/bin/echo', 'gz'], { timeout: 60_000 });
    await writeFile(join(images, 'second.tar.gz'), gzipSync(await readFile(join(dir, 'gz.tar'))));

    const htpasswd = join(dir, 'htpasswd');
    const hash = (await run('python3', ['-W', 'ignore', '-c', "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH)))"])).stdout.trim();
    await writeFile(htpasswd, `kites:${hash}\n`);
    await startRegistry(PLAIN);
    await startRegistry(AUTH, htpasswd);
    const cert = join(dir, 'registry.crt');
    const key = join(dir, 'registry.key');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { timeout: 60_000 });
    await startRegistry(TLS, undefined, { cert, key });
    const push = (dest: string, creds?: string) => inNs('skopeo', ['copy', '--insecure-policy', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : []), `docker-archive:${busybox}`, `docker://${dest}`], 120_000);
    await push(`127.0.0.1:${PLAIN}/lib/busybox:1.36`);
    await push(`127.0.0.1:${PLAIN}/library/busybox:1.36`);
    await push(`127.0.0.1:${AUTH}/private/busybox:1.36`, 'kites:s3cret');
    await push(`127.0.0.1:${TLS}/tls/busybox:1.36`);

    const regFile = join(dir, 'registries.yaml');
    await writeFile(regFile, [
      'mirrors:',
      '  docker.io:',
      `    endpoint: ["http://127.0.0.1:${PLAIN}"]`,
      'configs:',
      `  "127.0.0.1:${AUTH}":`,
      '    auth:',
      '      username: kites',
      '      password: s3cret',
      `  "127.0.0.1:${TLS}":`,
      '    tls:',
      `      ca_file: ${cert}`,
      '',
    ].join('\n'));
    const node = await prepareContainerd({ dataDir, privateRegistry: regFile, cniBinDir: '/usr/lib/cni', cniConfDir: join(dir, 'cni'), log: silentLogger, netns: ns });
    sup = node.supervisor;
    startImported = node.importedImages;
    cri = await createCriRuntime({ endpoint: node.endpoint, log: silentLogger, timeoutMs: 60_000 });
  }, 240_000);

  afterAll(async () => {
    await cri?.close().catch(() => {});
    await sup?.stop();
    for (const r of registries) r.kill('SIGKILL');
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => dir && m.startsWith(dir));
    for (const m of mounts.reverse()) await run('umount', ['-l', m]).catch(() => {});
    await run('ip', ['netns', 'del', ns]).catch(() => {});
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('imports air-gap tarballs (plain and gzipped) once', async () => {
    // prepareContainerd imported them at start.
    expect(startImported.sort()).toEqual(['docker.io/kites/airgap-gz:1', 'docker.io/kites/airgap:1']);
    expect(await cri!.images.imageStatus({ image: 'docker.io/kites/airgap:1' })).toBeDefined();
    expect(await cri!.images.imageStatus({ image: 'kites/airgap-gz:1' })).toBeDefined();
    const t1 = Date.now();
    expect(await importAirgapImages({ dir: join(dataDir, 'agent', 'images'), endpoint: sup!.endpoint, log: silentLogger })).toEqual([]);
    console.log(`air-gap import when unchanged: ${Date.now() - t1} ms`);
  }, 120_000);

  it('pulls from a registry on loopback, through a docker.io mirror, and with registries.yaml credentials', async () => {
    const t0 = Date.now();
    expect(await cri!.images.pullImage({ image: `127.0.0.1:${PLAIN}/lib/busybox:1.36` })).toMatch(/^sha256:/);
    console.log(`pull from local registry: ${Date.now() - t0} ms`);
    // No internet here: docker.io can only be the mirror.
    expect(await cri!.images.pullImage({ image: 'busybox:1.36' })).toMatch(/^sha256:/);
    expect(await cri!.images.pullImage({ image: `127.0.0.1:${AUTH}/private/busybox:1.36` })).toMatch(/^sha256:/);
    expect(await cri!.images.pullImage({ image: `127.0.0.1:${TLS}/tls/busybox:1.36` })).toMatch(/^sha256:/);
  }, 120_000);

  it('runs the image manager: policies, secrets overriding registry credentials, back-off', async () => {
    const secrets: Record<string, { type: string; data: Record<string, string> }> = {
      wrong: { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { [`127.0.0.1:${AUTH}`]: { username: 'kites', password: 'nope' } } })) } },
    };
    const puller = new ImagePuller({ images: cri!.images, secret: async (_ns, name) => secrets[name], clock: realClock, log: silentLogger });
    const pod = (uid: string, pullSecrets: string[] = []) => ({ metadata: { uid, name: 'p', namespace: 'default' }, spec: { containers: [], imagePullSecrets: pullSecrets.map((name) => ({ name })) } }) as unknown as PodObject;
    const events: string[] = [];
    const ev = (_t: string, reason: string, message: string) => { events.push(`${reason}: ${message}`); };
    expect((await puller.ensureImage(pod('a'), { name: 'c', image: `127.0.0.1:${PLAIN}/lib/busybox:1.36`, imagePullPolicy: 'IfNotPresent' }, ev)).imageRef).toMatch(/^sha256:/);
    expect(events).toEqual([`Pulled: Container image "127.0.0.1:${PLAIN}/lib/busybox:1.36" already present on machine`]);
    events.length = 0;
    expect((await puller.ensureImage(pod('a'), { name: 'c', image: 'docker.io/kites/absent:1', imagePullPolicy: 'Never' }, ev)).waiting?.reason).toBe('ErrImageNeverPull');
    const pulled = await puller.ensureImage(pod('a'), { name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Always' }, ev);
    expect(pulled.imageRef).toMatch(/^sha256:/);
    expect(events.at(-1)).toMatch(/^Pulled: Successfully pulled image "busybox:1.36" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/);
    const missing = await puller.ensureImage(pod('b'), { name: 'c', image: `127.0.0.1:${PLAIN}/lib/missing:1` }, ev);
    expect(missing.waiting?.reason).toBe('ErrImagePull');
    expect(missing.waiting?.message).toMatch(/not found/);
    expect((await puller.ensureImage(pod('b'), { name: 'c', image: `127.0.0.1:${PLAIN}/lib/missing:1` }, ev)).waiting?.reason).toBe('ImagePullBackOff');
    // The pod's secret is sent with the pull and takes precedence over registries.yaml (as CRI does).
    const denied = await puller.ensureImage(pod('c', ['wrong']), { name: 'c', image: `127.0.0.1:${AUTH}/private/busybox:1.36`, imagePullPolicy: 'Always' }, ev);
    expect(denied.waiting?.reason).toBe('ErrImagePull');
    expect(denied.waiting?.message).toMatch(/401|unauthorized/i);
  }, 120_000);

  it('survives kill -9: containerd is restarted and serves again', async () => {
    const pid = sup!.pid()!;
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    let images: Awaited<ReturnType<CriContainerRuntime['images']['listImages']>> | undefined;
    while (Date.now() < deadline) {
      if (sup!.restarts() >= 1) {
        images = await cri!.images.listImages().catch(() => undefined);
        if (images) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sup!.restarts()).toBe(1);
    expect(sup!.pid()).not.toBe(pid);
    expect(images?.some((i) => i.repoTags.includes('docker.io/kites/airgap:1'))).toBe(true);
  }, 60_000);

  it('reports node images and garbage-collects unused ones', async () => {
    const status = await nodeStatusImages(cri!.images);
    expect(status.some((i) => i.names.includes('docker.io/library/busybox@' + i.names[0]!.split('@')[1]))).toBe(true);
    expect(status.some((i) => i.names.includes('docker.io/kites/airgap:1'))).toBe(true);
    expect(status.every((i, k) => k === 0 || status[k - 1]!.sizeBytes >= i.sizeBytes)).toBe(true);
    const gc = new ImageGC({
      images: cri!.images, runtime: cri!.runtime, pauseImage: 'docker.io/kites/airgap:1', clock: realClock, log: silentLogger,
      // Pretend the disk is full, so every unused image but the pinned one goes.
      fsStats: async () => ({ capacityBytes: 1e12, availableBytes: 0 }), policy: { minAgeMs: 0 },
    });
    await gc.detect(Date.now() - 1000);
    const r = await gc.garbageCollect();
    expect(r.removed.length).toBeGreaterThan(0);
    const left = await cri!.images.listImages();
    expect(left.map((i) => i.repoTags).flat()).toEqual(['docker.io/kites/airgap:1']);
  }, 60_000);
});
