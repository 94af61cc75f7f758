// The node IPAM controller with upstream's range allocator (pkg/controller/nodeipam/ipam
// range_allocator.go, kube-controller-manager --allocate-node-cidrs): every Node gets one
// node-sized subnet of the cluster CIDR in spec.podCIDR and spec.podCIDRs, which the node's CNI
// configuration hands out to pods.
//  - Stable across restarts: before any allocation the used set is rebuilt from the podCIDRs the
//    Nodes already carry (and the service range, when it overlaps, is never handed out).
//  - Released when the Node goes away.
//  - Events as upstream, on the Node, from component "cidrAllocator": CIDRNotAvailable when the
//    range is exhausted, CIDRAssignmentFailed when the Node cannot be updated.
// spec.podCIDR is immutable once set (API validation), so a Node that already has one keeps it.
import type { Logger } from '../../api/log.js';
import type { KubeObject } from '../../api/types.js';
import type { NodeSpec } from 'kubernetes-types/core/v1.js';
import { RestClient, type ResourceClient } from '../../client/rest-client.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers } from '../../client/controller.js';
import type { Clock } from '../../client/clock.js';
import { isNotFound } from '../../client/status.js';
import { EventRecorder } from '../../client/events/recorder.js';
import type { RestTransport } from '../../client/transport.js';
import { CIDRSet, CIDRSetError } from './cidr-set.js';

export interface NodeIpamControllerOptions {
  transport: RestTransport;
  log: Logger;
  /** --cluster-cidr (k3s default 10.42.0.0/16). */
  clusterCidr: string;
  /** --node-cidr-mask-size (default 24). */
  nodeCidrMaskSize?: number;
  /** --service-cluster-ip-range: subnets overlapping it are never allocated. */
  serviceCidr?: string;
  informers?: InformerFactory;
  recorder?: EventRecorder;
  clock?: Clock;
  workers?: number;
}

export type NodeObject = KubeObject & { spec?: NodeSpec };
const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;

/** What this controller believes a node holds: the node's uid and its pod CIDR. */
interface Holding { uid: string | undefined; cidr: string }

export class NodeIpamController {
  readonly queue: WorkQueue<string>;
  readonly cidrs: CIDRSet;
  private readonly client: RestClient;
  private readonly informers: InformerFactory;
  private readonly nodeInformer: SharedInformer<NodeObject>;
  private readonly nodes: ResourceClient<NodeObject>;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: boolean;
  private readonly log: Logger;
  /** Node name → what it holds (or was just given: the cache may not show our patch yet). */
  private readonly held = new Map<string, Holding>();

  constructor(private readonly opts: NodeIpamControllerOptions) {
    this.log = opts.log;
    this.cidrs = new CIDRSet(opts.clusterCidr, opts.nodeCidrMaskSize ?? 24);
    this.client = new RestClient(opts.transport, { fieldManager: 'node-ipam-controller' });
    this.informers = opts.informers ?? new InformerFactory(this.client, { log: opts.log });
    this.nodeInformer = this.informers.informerFor<NodeObject>(nodesRef);
    this.nodes = this.client.resource<NodeObject>(nodesRef);
    this.ownRecorder = !opts.recorder;
    this.recorder = opts.recorder ?? new EventRecorder({ transport: opts.transport, component: 'cidrAllocator', clock: opts.clock, log: opts.log });
    this.queue = new WorkQueue<string>({ name: 'node-ipam', clock: opts.clock });
    const add = (n: NodeObject) => this.queue.add(n.metadata?.name ?? '');
    this.nodeInformer.addEventHandler({ onAdd: add, onUpdate: (_o, n) => add(n), onDelete: add });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.informers.start(signal);
    try {
      if (!(await this.informers.waitForCacheSync(signal))) return;
      this.occupyExisting();
      await runWorkers(this.queue, this.opts.workers ?? 4, (k) => this.sync(k), signal, { log: this.log });
    } finally {
      if (this.ownRecorder) await this.recorder.stop(2000);
    }
  }

  /** Rebuilds the used set from the cache, before any allocation (upstream does it from a LIST). */
  occupyExisting(): void {
    if (this.opts.serviceCidr) this.cidrs.occupy(this.opts.serviceCidr); // marks only the overlap
    for (const node of this.nodeInformer.lister.list()) this.occupyNode(node);
  }

  private occupyNode(node: NodeObject): void {
    const cidrs = podCidrsOf(node);
    if (cidrs.length === 0) return;
    for (const c of cidrs) {
      try {
        this.cidrs.occupy(c);
      } catch (e) {
        this.log.warn('node has an unparseable podCIDR', { node: node.metadata?.name, podCIDR: c, err: e });
      }
    }
    this.held.set(node.metadata?.name ?? '', { uid: node.metadata?.uid, cidr: cidrs[0]! });
  }

  private releaseHeld(name: string): void {
    const h = this.held.get(name);
    if (!h) return;
    this.held.delete(name);
    this.cidrs.release(h.cidr);
    this.log.info('released pod CIDR of deleted node', { node: name, podCIDR: h.cidr });
    // Nodes waiting on an exhausted range need not sit out their back-off.
    for (const n of this.nodeInformer.lister.list()) if (podCidrsOf(n).length === 0 && n.metadata?.name !== name) this.queue.add(n.metadata?.name ?? '');
  }

  async sync(name: string): Promise<void> {
    const node = this.nodeInformer.lister.get(undefined, name);
    const held = this.held.get(name);
    // Gone, or replaced by a new Node of the same name: its range returns to the pool.
    if (!node || (held && node.metadata?.uid !== held.uid && podCidrsOf(node)[0] !== held.cidr)) this.releaseHeld(name);
    if (!node || node.metadata?.deletionTimestamp) return;
    if (podCidrsOf(node).length > 0) {
      // Someone else set a different range than the one we picked: ours goes back.
      const mine = this.held.get(name);
      if (mine && mine.cidr !== podCidrsOf(node)[0]) this.cidrs.release(mine.cidr);
      this.occupyNode(node);
      return;
    }
    let cidr = this.held.get(name)?.cidr;
    if (!cidr) {
      try {
        cidr = this.cidrs.allocateNext();
      } catch (e) {
        if (!(e instanceof CIDRSetError)) throw e;
        this.statusChange(node, 'CIDRNotAvailable');
        // Retried with backoff: a deleted Node may free a range.
        throw new Error(`failed to allocate a pod CIDR for node ${name} from ${this.opts.clusterCidr}: ${e.message}`);
      }
      this.held.set(name, { uid: node.metadata?.uid, cidr });
    }
    await this.assign(node, cidr);
  }

  /** Writes the CIDR into the Node (upstream retries the patch cidrUpdateRetries = 3 times). */
  private async assign(node: NodeObject, cidr: string): Promise<void> {
    const name = node.metadata?.name ?? '';
    let lastErr: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const live = await this.nodes.get(undefined, name);
        const existing = podCidrsOf(live);
        if (existing.length > 0) {
          // Someone else (or our own earlier write) set it: that value wins; ours goes back.
          if (existing[0] !== cidr) {
            this.log.warn('node already has a pod CIDR; releasing the one allocated', { node: name, podCIDR: existing[0], allocated: cidr });
            this.cidrs.release(cidr);
            this.held.delete(name);
            this.occupyNode(live);
          }
          return;
        }
        await this.nodes.patch(undefined, name, 'merge', {
          metadata: { uid: live.metadata?.uid, resourceVersion: live.metadata?.resourceVersion },
          spec: { podCIDR: cidr, podCIDRs: [cidr] },
        });
        this.log.info('allocated pod CIDR', { node: name, podCIDR: cidr });
        return;
      } catch (e) {
        if (isNotFound(e)) {
          this.releaseHeld(name);
          return;
        }
        lastErr = e;
      }
    }
    this.log.warn('could not set the node pod CIDR', { node: name, podCIDR: cidr, err: lastErr });
    this.statusChange(node, 'CIDRAssignmentFailed');
    this.cidrs.release(cidr);
    this.held.delete(name);
    throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
  }

  /** Upstream's RecordNodeStatusChange: a Normal event "Node X status is now: REASON". */
  private statusChange(node: NodeObject, reason: string): void {
    const name = node.metadata?.name ?? '';
    this.recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: node.metadata?.uid } }, 'Normal', reason, `Node ${name} status is now: ${reason}`);
  }
}

export function podCidrsOf(node: NodeObject): string[] {
  const spec = node.spec ?? {};
  if (spec.podCIDRs && spec.podCIDRs.length > 0) return spec.podCIDRs;
  return spec.podCIDR ? [spec.podCIDR] : [];
}
