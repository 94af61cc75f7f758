// The client kit's public surface: what controllers, the scheduler and the node agent import.
export type { RestRequest, RestResponse, RestTransport } from './transport.js';
export { realClock, sleep, jitter, type Clock, type TimerHandle } from './clock.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { groupVersionPath, resourcePath, objectKey, splitKey, type ResourceRef } from './paths.js';
export {
  statusErrorFromObject, statusErrorFromResponse, isSuccess, isResourceExpired, isNotFound, isConflict, isAlreadyExists,
} from './status.js';
export {
  RestClient, ResourceClient, patchContentTypes,
  type PatchType, type ListOptions, type WatchOptions, type WriteOptions, type PatchOptions, type DeleteOptions, type ClientOptions,
} from './rest-client.js';
export { decodeWatchEvents } from './watch-decoder.js';
export { HttpTransport, readPem, type HttpTransportOptions } from './http-transport.js';
export {
  fromKubeconfig, loadKubeconfig, defaultKubeconfigPath, inClusterConfig, serviceAccountDir, type Kubeconfig, type LoadedKubeconfig,
} from './kubeconfig.js';
export {
  Selector, parseSelector, selectorFromLabelSelector, selectorFromSet, parseFieldSelector,
  type LabelSelector, type LabelSelectorRequirement,
} from './label-selector.js';
export { Indexer, Lister, indexByNamespace, indexByField, namespaceIndex, type IndexFunc } from './indexer.js';
export { SharedInformer, type EventHandler, type InformerOptions } from './informer.js';
export { InformerFactory, waitForCacheSync, type InformerFactoryOptions, type InformerVariant } from './informer-factory.js';
export {
  ItemExponentialFailureRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter,
} from './rate-limiter.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue.js';
export { runWorkers, enqueueHandler, type Reconcile, type ReconcileResult, type RunWorkersOptions } from './controller.js';
export { LeaderElector, leaseResource, microTime, type Lease, type LeaseSpec, type LeaderElectionOptions } from './leader-election.js';
