// The node agent's public surface.
export { startNodeAgent, defaultKubeletPort } from './agent.js';
export type { NodeAgentOptions, NodeAgentTimings, RunningAgent, RuntimeKind } from './options.js';
export { PodContainerLocator, emptyLocator, deferredLocator, type ContainerLocator, type LocatedContainerInfo } from './locator.js';
export { ProcessRuntime, processRuntimeLimitations, type ProcessRuntimeOptions } from './runtime/process/process-runtime.js';
export { SimulatedRuntime, simulatedRuntimeLimitations } from './runtime/simulated/simulated-runtime.js';
export { RecordedImageService } from './runtime/recorded-images.js';
export { parseCriLogLine, rfc3339Nano } from './runtime/process/cri-log.js';
export { simulatedLabel, simulatedNodeNames } from './simulated/simulated-nodes.js';
export { kubeletVersion } from './node/node-object.js';
export { defaultNodeAddress } from './node/host-info.js';
