// What every pod worker of one node shares: the runtime, the API clients, the event recorder,
// the node's facts, the restart back-off and the clock.
import type { Logger } from '../../api/log.js';
import type { Clock } from '../../client/clock.js';
import type { ResourceClient } from '../../client/rest-client.js';
import type { EventRecorder } from '../../client/events/recorder.js';
import type { StoredObject } from '../../api/types.js';
import type { ImageService, RuntimeService } from '../runtime/types.js';
import type { ImagePuller } from '../images/puller.js';
import type { CrashBackoff } from './crash-backoff.js';
import type { StartGate } from './start-gate.js';
import type { KeyedData } from './pod-types.js';
import type { ServiceLike } from './service-env.js';

export interface PodWorkerContext {
  runtime: RuntimeService;
  images: ImageService;
  /**
   * Pulls images as the kubelet (pull policy, imagePullSecrets, back-off, Pulling/Pulled events) —
   * for runtimes that run images. Without it the image is only recorded ("already present").
   */
  imagePuller?: Pick<ImagePuller, 'ensureImage'>;
  /** The runtime's name as in containerID URIs, e.g. "process". */
  runtimeName: string;
  /** The runtime cannot mount: expose volumes as env vars and symlinks, warn otherwise. */
  hostProcessMounts: boolean;
  pods: ResourceClient<StoredObject>;
  recorder: EventRecorder;
  configMap(namespace: string, name: string): Promise<KeyedData | undefined>;
  secret(namespace: string, name: string): Promise<KeyedData | undefined>;
  serviceAccountToken?(namespace: string, serviceAccount: string, audience: string | undefined, expirationSeconds: number): Promise<string | undefined>;
  claimPath?(namespace: string, claim: string): Promise<string>;
  /** Services for service-link variables: the namespace's, and default/kubernetes. */
  services?(namespace: string): Promise<{ inNamespace: ServiceLike[]; master?: ServiceLike }>;
  dataDir: string;
  podLogsDir: string;
  nodeName: string;
  nodeIPs: string[];
  /** kubelet --cluster-dns: ClusterFirst pods resolve through these (see dns.ts). */
  clusterDns?: string[];
  /** kubelet --cluster-domain (default cluster.local). */
  clusterDomain?: string;
  /** The host's resolv.conf contents, for dnsPolicy Default (undefined: --resolv-conf=""). */
  hostResolvConf?: string;
  allocatable: { cpu: string; memory: string };
  backoff: CrashBackoff;
  /** Bounds concurrent container starts across the node's pods. */
  startGate: StartGate;
  clock: Clock;
  log: Logger;
  /** Periodic re-sync of a pod (volume refresh, deadline checks). */
  resyncMs: number;
  /** Called when a worker has torn its pod down for good. */
  onDone(uid: string): void;
}
