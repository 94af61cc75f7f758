// The CRI runtime: the agent's ContainerRuntime over CRI v1 gRPC to containerd (1.6+) on a unix
// socket. See README.md in this folder for what the agent must fill in and how streams connect.
import { statfs } from 'node:fs/promises';
import type { Logger } from '../../../api/log.js';
import type { ContainerRuntime } from '../types.js';
import { CriClient } from './cri-client.js';
import { CriImageService, type ImageFsInfo } from './image-service.js';
import { CriRuntimeService } from './cri-runtime.js';
import { tcpDialer, type StreamDialer } from './remote-streams.js';

export { CriError } from './cri-client.js';
export { ContainerConfigRefusedError } from './security-context.js';
export type { StreamDialer } from './remote-streams.js';
export type { ImageFsInfo } from './image-service.js';

export interface CriRuntimeOptions {
  /** Path of the runtime's unix socket, e.g. /run/containerd/containerd.sock. */
  endpoint: string;
  log: Logger;
  /** Deadline of each RPC (pulls and stops get longer ones). Default 2 minutes, as the kubelet's. */
  timeoutMs?: number;
  /** The node's IPs, given as the IPs of host-network sandboxes. Default: none. */
  nodeIPs?: string[];
  /** Root of Localhost seccomp profiles. Default /var/lib/kites/seccomp. */
  seccompRoot?: string;
  /** How to reach the runtime's streaming server (default: TCP). */
  dialStream?: StreamDialer;
}

export type CriContainerRuntime = ContainerRuntime & {
  imageFsInfo(): Promise<ImageFsInfo>;
  close(): Promise<void>;
};

export async function createCriRuntime(opts: CriRuntimeOptions): Promise<CriContainerRuntime> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const client = new CriClient({ endpoint: opts.endpoint, timeoutMs });
  const log = opts.log.child('cri');
  const runtime = new CriRuntimeService(client, {
    log, nodeIPs: opts.nodeIPs ?? [], seccompRoot: opts.seccompRoot ?? '/var/lib/kites/seccomp',
    dial: opts.dialStream ?? tcpDialer, streamTimeoutMs: Math.min(timeoutMs, 30_000),
  });
  const images = new CriImageService(client);
  const info = await runtime.info();
  log.info('connected to container runtime', { endpoint: opts.endpoint, runtime: info.runtimeName, version: info.runtimeVersion });
  return {
    runtime,
    images,
    async imageFsInfo() {
      const fs = await images.imageFsInfo();
      if (fs.mountpoint) {
        const st = await statfs(fs.mountpoint).catch(() => undefined);
        if (st) fs.totalBytes = st.blocks * st.bsize;
      }
      return fs;
    },
    close: () => runtime.close(),
  };
}
