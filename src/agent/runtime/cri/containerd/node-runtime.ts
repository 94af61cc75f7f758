// The container runtime's start for a node, in k3s's order: containerd (unless
// `--container-runtime-endpoint` names one someone else runs), then the air-gap images of
// `<data-dir>/agent/images`; the agent then connects its CRI client to the endpoint.
import { join } from 'node:path';
import type { Logger } from '../../../../api/log.js';
import { importAirgapImages } from '../../../images/airgap.js';
import { startContainerd, type ContainerdSupervisor } from './supervisor.js';

/** kubelet's default pause image (what `--pause-image` defaults to). */
export const DEFAULT_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

export interface ContainerdNodeOptions {
  dataDir: string;
  pauseImage?: string;
  /** `--private-registry`: a k3s registries.yaml. */
  privateRegistry?: string;
  /** `--container-runtime-endpoint`: `unix:///path` or a path; no containerd is started then. */
  containerRuntimeEndpoint?: string;
  cniBinDir: string;
  cniConfDir: string;
  log: Logger;
  binary?: string;
  netns?: string;
}

export interface ContainerdNode {
  /** Socket path for createCriRuntime({ endpoint }). */
  endpoint: string;
  /** Present when the agent runs containerd itself. */
  supervisor?: ContainerdSupervisor;
  importedImages: string[];
  /** Stops the supervised containerd (containers keep running). */
  stop(): Promise<void>;
}

export async function prepareContainerd(o: ContainerdNodeOptions): Promise<ContainerdNode> {
  if (o.containerRuntimeEndpoint) {
    const endpoint = o.containerRuntimeEndpoint.replace(/^unix:\/\//, '');
    o.log.info('using an external container runtime', { endpoint });
    return { endpoint, importedImages: [], stop: async () => {} };
  }
  const supervisor = await startContainerd({
    dataDir: o.dataDir, pauseImage: o.pauseImage ?? DEFAULT_PAUSE_IMAGE, privateRegistry: o.privateRegistry,
    cniBinDir: o.cniBinDir, cniConfDir: o.cniConfDir, log: o.log.child('containerd'), binary: o.binary, netns: o.netns,
  });
  let importedImages: string[] = [];
  try {
    importedImages = await importAirgapImages({ dir: join(o.dataDir, 'agent', 'images'), endpoint: supervisor.endpoint, log: o.log.child('airgap') });
  } catch (e) {
    // As k3s: images that cannot be imported are logged; the node still starts.
    o.log.error('air-gap image import failed', { err: e });
  }
  return { endpoint: supervisor.endpoint, supervisor, importedImages, stop: () => supervisor.stop() };
}
