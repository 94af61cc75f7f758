// The containerd runtime of the node agent, as k3s's agent sets it up: its own containerd (or an
// existing CRI socket), the air-gap images imported before anything pulls, the CRI client, the
// kubelet's image manager, and — once the Node has a pod CIDR — the pod network.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../api/log.js';
import type { StoredObject } from '../api/types.js';
import type { NodeAgentOptions, NodeNetworkOptions } from './options.js';
import type { NodeRuntime } from './agent.js';
import { startContainerd, type ContainerdSupervisor } from './runtime/cri/containerd/index.js';
import { createCriRuntime } from './runtime/cri/index.js';
import { importAirgapImages, socketPath } from './images/airgap.js';
import { ImagePuller } from './images/puller.js';
import { builtinPauseImage, builtinPausePrefix, ensureBuiltinPauseTarball } from './images/builtin-pause.js';
import { nodeStatusImages, startImageGC, statfsImageFs } from './images/index.js';
import { containerdPaths } from './runtime/cri/containerd/config.js';
import { realClock } from '../client/clock.js';
import { readHostResolvConf } from './pods/dns.js';
import { nodesRef, setupPodNetwork, type PodNetwork } from './network/index.js';

/** Where Debian and upstream put the CNI plugins. */
export const cniBinDirs = ['/usr/lib/cni', '/opt/cni/bin'];

export function findCniBinDir(dirs = cniBinDirs): string {
  return dirs.find((d) => existsSync(join(d, 'bridge'))) ?? dirs[0]!;
}

export const defaultNodeNetwork: NodeNetworkOptions = {
  clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16', clusterDns: ['10.43.0.10'], clusterDomain: 'cluster.local',
};

export interface ContainerdNodeRuntime extends NodeRuntime {
  /** The pod network, once afterRegister has run. */
  podNetwork(): PodNetwork | undefined;
  supervisor?: ContainerdSupervisor;
}

export async function openContainerdRuntime(opts: NodeAgentOptions, address: string, log: Logger): Promise<ContainerdNodeRuntime> {
  const net = opts.network ?? defaultNodeNetwork;
  const cniConfDir = join(opts.dataDir, 'agent', 'cni', 'net.d');
  const pauseImage = opts.containerd?.pauseImage ?? builtinPauseImage;
  // The classic field failures (forwarding off, bridge traffic bypassing iptables, FORWARD DROP),
  // fixed where safe and logged; a missing runtime piece stops the agent with the reason.
  const { runPreflight } = await import('./preflight/index.js');
  const checks = await runPreflight({ fix: true, log: log.child('preflight'), clusterCidr: net.clusterCidr }); // logs each fix and problem
  if (checks.blocking && !opts.containerd?.endpoint) {
    throw new Error(`this machine cannot run containers (see \`kites check-config\`): ${checks.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.message}`).join('; ')}`);
  }
  let supervisor: ContainerdSupervisor | undefined;
  let endpoint = opts.containerd?.endpoint;
  if (!endpoint) {
    supervisor = await startContainerd({
      dataDir: opts.dataDir, pauseImage, privateRegistry: opts.containerd?.privateRegistry,
      cniBinDir: findCniBinDir(), cniConfDir, log: log.child('containerd'),
    });
    endpoint = supervisor.endpoint;
  }
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const imagesDir = join(opts.dataDir, 'agent', 'images');
    if (existsSync(imagesDir)) {
      const imported = await importAirgapImages({ dir: imagesDir, endpoint, log: log.child('airgap') });
      if (imported.length) log.info('imported air-gap images', { images: imported });
    }
    const cri = await createCriRuntime({ endpoint: socketPath(endpoint), log, nodeIPs: [address] });
    cleanups.push(() => cri.close());
    if (pauseImage.startsWith(builtinPausePrefix) && !(await cri.images.imageStatus({ image: pauseImage }))) {
      const file = await ensureBuiltinPauseTarball(imagesDir, pauseImage);
      await importAirgapImages({ dir: imagesDir, endpoint, log: log.child('airgap') });
      log.info('built the pause image from the host\'s busybox', { image: pauseImage, file });
    }
    let network: PodNetwork | undefined;
    // Image garbage collection at the kubelet's thresholds (85 % / 80 % of the image filesystem),
    // and the node's image list for status.images, refreshed on the same cadence.
    const gc = startImageGC({
      images: cri.images, runtime: cri.runtime, fsStats: () => statfsImageFs(containerdPaths(opts.dataDir).root),
      pauseImage, clock: realClock, log: log.child('image-gc'),
    });
    cleanups.push(async () => gc.stop());
    let images: unknown[] | undefined;
    const refreshImages = () => nodeStatusImages(cri.images).then((list) => { images = list; }, (e) => log.debug('could not list images', { err: e }));
    await refreshImages();
    const imagesTimer = setInterval(() => void refreshImages(), 30_000);
    imagesTimer.unref();
    cleanups.push(async () => clearInterval(imagesTimer));
    // dnsPolicy Default: the host's resolver, unless it is a loopback-only stub pods cannot reach.
    const hostResolvConf = await readHostResolvConf((m, f) => log.warn(m, f));
    return {
      name: 'containerd', runtime: cri.runtime, images: cri.images, hostProcessMounts: false, supervisor,
      podNetwork: () => network,
      nodeStatus: () => (images ? { images } : {}),
      podContext: ({ secret, clock }) => ({
        imagePuller: new ImagePuller({ images: cri.images, secret, clock, log: log.child('images') }),
        clusterDns: net.clusterDns, clusterDomain: net.clusterDomain, hostResolvConf,
      }),
      async afterRegister(client, signal) {
        network = await setupPodNetwork({
          nodes: client.resource<StoredObject>(nodesRef), nodeName: opts.nodeName, dataDir: opts.dataDir, cniConfDir,
          clusterCidr: net.clusterCidr, serviceCidr: net.serviceCidr, log: log.child('network'), signal,
        });
      },
      async close() {
        for (const c of cleanups.reverse()) await c().catch((e) => log.warn('containerd runtime cleanup failed', { err: e }));
        await supervisor?.stop();
      },
    };
  } catch (e) {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await supervisor?.stop();
    throw e;
  }
}
