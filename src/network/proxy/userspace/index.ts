// The userspace service proxy mode (process runtime, machines without root).
import type { ProxyModel } from '../model.js';
import { UserspaceProxier, type UserspaceProxierOptions } from './proxier.js';

export { UserspaceProxier, type UserspaceProxierOptions, type ClusterIPMode } from './proxier.js';
export { RoundRobinBalancer, type Backend } from './load-balancer.js';

/**
 * The mode startServiceProxy selects with mode 'userspace'. It programs nothing yet: the tracker
 * calls sync() once its caches have synced, so a restart never serves a half-empty table. The
 * model is accepted for the contract; the tracker's states are what the mode serves.
 */
export async function startUserspaceProxier(_model: ProxyModel, opts: UserspaceProxierOptions): Promise<UserspaceProxier> {
  return new UserspaceProxier(opts);
}
