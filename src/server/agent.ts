// The node agent `kites server` runs in its own process (unless --disable-agent): its HTTPS
// endpoint for logs/exec/attach/port-forward (trusting only the API server's kubelet-client
// certificate) and the agent itself, talking to the API through the in-process client.
import type { Logger } from '../api/log.js';
import type { RestTransport } from '../client/transport.js';
import { serverOptions, type ServerOptions } from './options.js';

export interface EmbeddedAgent {
  nodeNames: string[];
  stop(): Promise<void>;
}

/** The identity the API server presents to agents. */
export const kubeletClientName = 'kube-apiserver-kubelet-client';

export interface AgentSettings {
  runtime: ServerOptions['runtime'];
  nodeName: string;
  nodeIp: string;
  kubeletPort: number;
  simulatedNodes: number;
  /** The server's own agent carries the control-plane role label. */
  controlPlane: boolean;
  /** containerd runtime settings (defaults as `kites server`'s). */
  pauseImage?: string;
  privateRegistry?: string;
  containerRuntimeEndpoint?: string;
  /** The node's share of cluster networking (defaults as `kites server`'s). */
  clusterCidr?: string;
  serviceCidr?: string;
  clusterDns?: string;
  clusterDomain?: string;
  disableKubeProxy?: boolean;
  proxyMode?: '' | 'iptables' | 'userspace';
}

/** Starts a node agent (in `kites server`, or alone as `kites agent`). */
export async function startEmbeddedAgent(opts: {
  options: AgentSettings;
  transport: RestTransport;
  clientCA: string;
  dataDir: string;
  log: Logger;
}): Promise<EmbeddedAgent> {
  const { options, log } = opts;
  const d = serverOptions();
  // Loaded only when an agent runs: a control-plane-only server never loads the agent code.
  const { startAgentServer, createDeferredLocator } = await import('../agent/server/index.js');
  const { startNodeAgent } = await import('../agent/index.js');
  const deferred = createDeferredLocator();
  const endpoint = await startAgentServer({
    host: options.nodeIp, port: options.kubeletPort, tls: { clientCA: opts.clientCA }, locator: deferred.locator,
    log: log.child('agent-server'), nodeName: options.nodeName,
    authorize: (who) => who.commonName === kubeletClientName,
  });
  try {
    const agent = await startNodeAgent({
      transport: opts.transport, nodeName: options.nodeName, dataDir: opts.dataDir, runtime: options.runtime,
      simulatedNodes: options.simulatedNodes, log: log.child('agent'), nodeAddress: options.nodeIp,
      kubeletPort: endpoint.port, controlPlane: options.controlPlane,
      containerd: {
        pauseImage: options.pauseImage ?? d.pauseImage,
        privateRegistry: options.privateRegistry || undefined,
        endpoint: options.containerRuntimeEndpoint || undefined,
      },
      network: {
        clusterCidr: options.clusterCidr ?? d.clusterCidr, serviceCidr: options.serviceCidr ?? d.serviceCidr,
        clusterDns: [options.clusterDns ?? d.clusterDns], clusterDomain: options.clusterDomain ?? d.clusterDomain,
        proxyMode: options.disableKubeProxy ? 'none' : options.proxyMode || undefined,
      },
    });
    deferred.set(agent.locator);
    return {
      nodeNames: agent.nodeNames,
      async stop() {
        await agent.stop();
        await endpoint.close();
      },
    };
  } catch (e) {
    await endpoint.close();
    throw e;
  }
}
