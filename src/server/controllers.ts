// The control plane loops `kites server` runs in its own process (kube-controller-manager's and
// kube-scheduler's part of the single binary, as in k3s). They run only while this server holds
// the `kites-controller-manager` Lease in kube-system, so several servers can share a store; each
// talks to the API server only through the in-process client.
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from '../api/log.js';
import type { ResourceInfo } from '../api/resources/types.js';
import type { RestTransport } from '../client/transport.js';
import { RestClient } from '../client/rest-client.js';
import { LeaderElector } from '../client/leader-election.js';
import { InformerFactory } from '../client/informer-factory.js';
import { EventRecorder } from '../client/events/index.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';
import { ReplicaSetController } from '../controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../controllers/deployment/deployment-controller.js';
import { StatefulSetController } from '../controllers/statefulset/statefulset-controller.js';
import { DaemonSetController } from '../controllers/daemonset/daemonset-controller.js';
import { JobController } from '../controllers/job/job-controller.js';
import { CronJobController } from '../controllers/cronjob/cronjob-controller.js';
import { TTLAfterFinishedController } from '../controllers/ttlafterfinished/ttl-after-finished-controller.js';
import { GarbageCollector } from '../controllers/garbagecollector/garbage-collector.js';
import { ServiceAccountsController } from '../controllers/serviceaccount/serviceaccounts-controller.js';
import { RootCACertPublisher } from '../controllers/rootcacert/publisher.js';
import { NodeLifecycleController } from '../controllers/nodelifecycle/node-lifecycle-controller.js';
import { DisruptionController } from '../controllers/disruption/disruption-controller.js';
import { PodGCController } from '../controllers/podgc/pod-gc-controller.js';
import { NodeIpamController } from '../controllers/nodeipam/node-ipam-controller.js';
import { EndpointSliceController } from '../controllers/endpointslice/endpointslice-controller.js';
import { EndpointSliceMirroringController } from '../controllers/endpointslice/mirroring-controller.js';
import { EndpointsController } from '../controllers/endpoints/endpoints-controller.js';
import { ServiceController } from '../controllers/service/service-controller.js';
import { LocalCloudProvider } from '../cloud/index.js';
import { Scheduler } from '../scheduler/index.js';

export interface ControllerContext {
  transport: RestTransport;
  /** The resources the API server serves now (custom resources join as they are defined). */
  resources: () => readonly ResourceInfo[];
  log: Logger;
  signal: AbortSignal;
  /** Identifies this server in leader election; stable across restarts of one data dir. */
  dataDir?: string;
  /** The cluster CA bundle published as kube-root-ca.crt in every namespace. */
  rootCA?: string;
  nodeMonitorGracePeriodMs?: number;
  /** --cluster-cidr: when set, Nodes get pod CIDRs from it (kube-controller-manager --allocate-node-cidrs). */
  clusterCidr?: string;
  /** --service-cidr: kept out of the node pod CIDRs when it overlaps. */
  serviceCidr?: string;
  /** --lb-address-pool: addresses of LoadBalancer Services (empty: the node addresses). */
  lbAddressPool?: string;
  /** --disable: packaged components not to run (servicelb skips the LoadBalancer controller). */
  disable?: string[];
}

interface Loop { name: string; start: (signal: AbortSignal) => Promise<void> }

function loops(ctx: ControllerContext, informers: InformerFactory, recorders: EventRecorder[]): Loop[] {
  const host = hostname();
  const { transport } = ctx;
  // One recorder per component, so events name their source as upstream's do.
  const recorder = (component: string) => {
    const r = new EventRecorder({ transport, component, host, log: ctx.log });
    recorders.push(r);
    return r;
  };
  const log = (name: string) => ctx.log.child(name);
  const list: Loop[] = [
    { name: 'namespace', start: (s) => new NamespaceController({ transport, resources: ctx.resources, log: log('namespace-controller') }).start(s) },
    { name: 'scheduler', start: (s) => new Scheduler({ transport, log: log('scheduler'), host }).start(s) },
    { name: 'replicaset', start: (s) => new ReplicaSetController({ transport, log: log('replicaset-controller'), informers, recorder: recorder('replicaset-controller') }).start(s) },
    { name: 'deployment', start: (s) => new DeploymentController({ transport, log: log('deployment-controller'), informers, recorder: recorder('deployment-controller') }).start(s) },
    { name: 'statefulset', start: (s) => new StatefulSetController({ transport, log: log('statefulset-controller'), informers, recorder: recorder('statefulset-controller') }).start(s) },
    { name: 'daemonset', start: (s) => new DaemonSetController({ transport, log: log('daemonset-controller'), informers, recorder: recorder('daemonset-controller') }).start(s) },
    { name: 'job', start: (s) => new JobController({ transport, log: log('job-controller'), informers, recorder: recorder('job-controller') }).start(s) },
    { name: 'cronjob', start: (s) => new CronJobController({ transport, log: log('cronjob-controller'), informers, recorder: recorder('cronjob-controller') }).start(s) },
    { name: 'ttl-after-finished', start: (s) => new TTLAfterFinishedController({ transport, log: log('ttl-after-finished-controller'), informers }).start(s) },
    { name: 'garbage-collector', start: (s) => new GarbageCollector({ transport, log: log('garbage-collector'), resources: ctx.resources, informers, recorder: recorder('garbage-collector-controller') }).start(s) },
    { name: 'serviceaccount', start: (s) => new ServiceAccountsController({ transport, log: log('serviceaccount-controller'), informers }).start(s) },
    { name: 'node-lifecycle', start: (s) => new NodeLifecycleController({ transport, log: log('node-lifecycle-controller'), informers, recorder: recorder('node-controller'), nodeMonitorGracePeriodMs: ctx.nodeMonitorGracePeriodMs }).start(s) },
    { name: 'disruption', start: (s) => new DisruptionController({ transport, resources: ctx.resources, log: log('disruption-controller'), informers, recorder: recorder('controllermanager') }).start(s) },
    { name: 'pod-gc', start: (s) => new PodGCController({ transport, log: log('pod-garbage-collector'), informers }).start(s) },
  ];
  list.push(
    { name: 'endpointslice', start: (s) => new EndpointSliceController({ transport, log: log('endpointslice-controller'), informers }).start(s) },
    { name: 'endpoints', start: (s) => new EndpointsController({ transport, log: log('endpoints-controller'), informers }).start(s) },
    { name: 'endpointslice-mirroring', start: (s) => new EndpointSliceMirroringController({ transport, log: log('endpointslice-mirroring-controller'), informers }).start(s) },
  );
  if (!ctx.disable?.includes('servicelb')) {
    // The local cloud provider rebuilds which addresses are held from the Services' status.
    list.push({ name: 'service-lb', start: (s) => {
      let ctl: ServiceController | undefined;
      const provider = new LocalCloudProvider({ lbAddressPool: ctx.lbAddressPool, listServices: () => ctl?.listServices() ?? [] });
      ctl = new ServiceController({ transport, log: log('service-controller'), informers, recorder: recorder('service-controller'), loadBalancer: provider.loadBalancer() });
      return ctl.start(s);
    } });
  }
  if (ctx.clusterCidr) {
    const clusterCidr = ctx.clusterCidr;
    list.push({ name: 'node-ipam', start: (s) => new NodeIpamController({ transport, log: log('node-ipam-controller'), clusterCidr, serviceCidr: ctx.serviceCidr, informers, recorder: recorder('cidrAllocator') }).start(s) });
  }
  if (ctx.rootCA) {
    const rootCA = ctx.rootCA;
    list.push({ name: 'root-ca-cert-publisher', start: (s) => new RootCACertPublisher({ transport, log: log('root-ca-cert-publisher'), rootCA, informers }).start(s) });
  }
  return list;
}

async function runAll(list: Loop[], signal: AbortSignal, log: Logger): Promise<void> {
  await Promise.all(list.map(async (c) => {
    try {
      await c.start(signal);
    } catch (err) {
      // A loop that fails is logged, not fatal: the API keeps serving, like
      // kube-controller-manager failing beside a healthy kube-apiserver.
      if (!signal.aborted) log.error('controller stopped with an error', { controller: c.name, err });
    }
  }));
}

/** Runs every loop while leading; settles once `signal` aborts and all have stopped. */
export async function startControllers(ctx: ControllerContext): Promise<void> {
  // A stable identity lets a restarted server take its own lease back at once.
  setMaxListeners(0, ctx.signal);
  const identity = `${hostname()}_${createHash('sha256').update(ctx.dataDir ?? '').digest('hex').slice(0, 12)}`;
  const elector = new LeaderElector({
    client: new RestClient(ctx.transport, { fieldManager: 'kites-controller-manager' }),
    namespace: 'kube-system',
    name: 'kites-controller-manager',
    identity,
    log: ctx.log,
    onStartedLeading: async (signal) => {
      ctx.log.info('leading: starting controllers and scheduler', { identity });
      // Every informer and worker pool listens on this one signal: dozens, by design.
      setMaxListeners(0, signal);
      // Controllers share one informer per resource, as kube-controller-manager does.
      const informers = new InformerFactory(new RestClient(ctx.transport), { log: ctx.log });
      const recorders: EventRecorder[] = [];
      try {
        await runAll(loops(ctx, informers, recorders), signal, ctx.log);
      } finally {
        await Promise.all(recorders.map((r) => r.stop(2000)));
      }
    },
    onStoppedLeading: () => ctx.log.info('stopped leading', { identity }),
  });
  await elector.run(ctx.signal);
}
