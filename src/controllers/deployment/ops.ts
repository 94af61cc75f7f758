// What the Deployment sync steps need from the outside world: the clock, the ReplicaSet cache,
// writes, and events. The controller provides it; tests could fake it.
import type { DeploymentObject, ReplicaSetObject } from '../common/types.js';

export interface DeploymentOps {
  now(): number;
  getReplicaSet(namespace: string, name: string): ReplicaSetObject | undefined;
  createReplicaSet(namespace: string, rs: ReplicaSetObject): Promise<ReplicaSetObject>;
  updateReplicaSet(rs: ReplicaSetObject): Promise<ReplicaSetObject>;
  deleteReplicaSet(rs: ReplicaSetObject): Promise<void>;
  /**
   * Writes `d.status` (and the revision annotation, which upstream's status strategy lets
   * status writes carry) and refreshes `d` in place with the server's answer.
   */
  writeStatus(d: DeploymentObject): Promise<void>;
  event(d: DeploymentObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}
