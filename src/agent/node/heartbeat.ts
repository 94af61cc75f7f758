// Node registration and heartbeats for one node or thousands (simulated). Upstream's kubelet
// renews its Lease in kube-node-lease every 10 s (leaseDurationSeconds 40) and posts node status
// when something changed or every nodeStatusReportFrequency (5 min); kites posts status every
// minute (statusIntervalMs) or at once on a condition change. One ticker serves every node:
// nodes are spread over `slots` ticks per renew interval, so 5,000 nodes make ~500 lease writes
// per second in steady batches instead of 5,000 timers firing together.
import type { Logger } from '../../api/log.js';
import { silentLogger } from '../../api/log.js';
import { realClock, type Clock } from '../../client/clock.js';
import { leaseResource, microTime } from '../../client/leader-election.js';
import type { RestClient, ResourceClient } from '../../client/rest-client.js';
import { isAlreadyExists, isNotFound } from '../../client/status.js';
import type { StoredObject } from '../../api/types.js';
import { forEachLimit } from './concurrency.js';
import { conditionsChanged, nodeAnnotations, nodeConditions, nodeLabels, nodeObject, nodeStatus, type NodeCondition, type NodeIdentity, type PressureChecks } from './node-object.js';

export const nodeResource = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as const;
export const nodeLeaseNamespace = 'kube-node-lease';

export interface NodeHeartbeatOptions {
  client: RestClient;
  clock?: Clock;
  log?: Logger;
  leaseDurationSeconds?: number;
  renewIntervalMs?: number;
  statusIntervalMs?: number;
  /** Ticks per renew interval over which nodes are spread. */
  slots?: number;
  concurrency?: number;
  pressure?: (node: NodeIdentity) => PressureChecks;
  /** More status fields to post with each update (e.g. `images`, from the runtime). */
  extraStatus?: (node: NodeIdentity) => Record<string, unknown>;
}

interface NodeState {
  id: NodeIdentity;
  slot: number;
  conditions?: NodeCondition[];
  lastStatusAt: number;
  nodeUID?: string;
}

export class NodeHeartbeat {
  private readonly nodes = new Map<string, NodeState>();
  private readonly nodesApi: ResourceClient<StoredObject>;
  private readonly leases: ResourceClient<StoredObject>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private tick = 0;
  private timer?: unknown;
  private stopped = false;
  private busy?: Promise<void>;

  constructor(private readonly opts: NodeHeartbeatOptions) {
    this.nodesApi = opts.client.resource(nodeResource);
    this.leases = opts.client.resource(leaseResource);
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger).child('heartbeat');
  }

  private get slots(): number { return this.opts.slots ?? 10; }
  private get concurrency(): number { return this.opts.concurrency ?? 32; }

  /** Registers nodes (create, or update an existing one) and takes their leases. */
  async register(ids: NodeIdentity[]): Promise<void> {
    for (const id of ids) {
      this.nodes.set(id.name, { id, slot: this.nodes.size % this.slots, lastStatusAt: 0 });
    }
    await forEachLimit(ids, this.concurrency, async (id) => {
      await this.registerNode(this.nodes.get(id.name)!);
      await this.renewLease(this.nodes.get(id.name)!);
    }, (id, e) => this.log.warn('node registration failed; retrying with the heartbeat', { node: id.name, err: e }));
  }

  private pressure(id: NodeIdentity): PressureChecks {
    return this.opts.pressure?.(id) ?? { memory: false, disk: false, pid: false };
  }

  private async registerNode(st: NodeState): Promise<void> {
    const now = this.clock.now();
    const conditions = nodeConditions(st.conditions, this.pressure(st.id), now);
    try {
      const created = await this.nodesApi.create(undefined, nodeObject(st.id, conditions));
      st.nodeUID = created.metadata.uid;
      // The create path may drop status (as upstream's node strategy does); post it separately.
      await this.nodesApi.patch(undefined, st.id.name, 'merge', { status: { ...nodeStatus(st.id, conditions), ...this.opts.extraStatus?.(st.id) } }, { subresource: 'status' });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const cur = await this.nodesApi.patch(undefined, st.id.name, 'merge', { metadata: { labels: nodeLabels(st.id), annotations: nodeAnnotations(st.id) } });
      st.nodeUID = cur.metadata.uid;
      await this.nodesApi.patch(undefined, st.id.name, 'merge', { status: { ...nodeStatus(st.id, conditions), ...this.opts.extraStatus?.(st.id) } }, { subresource: 'status' });
    }
    st.conditions = conditions;
    st.lastStatusAt = now;
    this.log.info('node registered', { node: st.id.name });
  }

  private async renewLease(st: NodeState): Promise<void> {
    const now = this.clock.now();
    const spec = { holderIdentity: st.id.name, leaseDurationSeconds: this.opts.leaseDurationSeconds ?? 40, renewTime: microTime(now) };
    try {
      await this.leases.patch(nodeLeaseNamespace, st.id.name, 'merge', { spec });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const ownerReferences = st.nodeUID ? [{ apiVersion: 'v1', kind: 'Node', name: st.id.name, uid: st.nodeUID }] : undefined;
      try {
        await this.leases.create(nodeLeaseNamespace, {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: st.id.name, namespace: nodeLeaseNamespace, ownerReferences }, spec,
        });
      } catch (e2) {
        if (!isAlreadyExists(e2)) throw e2;
      }
    }
  }

  private async updateStatus(st: NodeState): Promise<void> {
    const now = this.clock.now();
    const conditions = nodeConditions(st.conditions, this.pressure(st.id), now);
    const due = now - st.lastStatusAt >= (this.opts.statusIntervalMs ?? 60_000);
    if (!due && !conditionsChanged(st.conditions, conditions)) return;
    try {
      await this.nodesApi.patch(undefined, st.id.name, 'merge', { status: { ...nodeStatus(st.id, conditions), ...this.opts.extraStatus?.(st.id) } }, { subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      // Someone deleted the Node: register it again, as the kubelet does.
      await this.registerNode(st);
      return;
    }
    st.conditions = conditions;
    st.lastStatusAt = now;
  }

  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const every = (this.opts.renewIntervalMs ?? 10_000) / this.slots;
    this.timer = this.clock.setTimeout(() => {
      this.busy = this.runTick().finally(() => this.schedule());
    }, every);
  }

  private async runTick(): Promise<void> {
    const slot = this.tick++ % this.slots;
    const due = [...this.nodes.values()].filter((n) => n.slot === slot);
    await forEachLimit(due, this.concurrency, async (st) => {
      if (this.stopped) return;
      if (st.lastStatusAt === 0) await this.registerNode(st);
      await this.renewLease(st);
      await this.updateStatus(st);
    }, (st, e) => this.log.warn('node heartbeat failed', { node: st.id.name, err: e }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    await this.busy?.catch(() => {});
  }
}
