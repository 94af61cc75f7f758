// The containerd supervisor of the node agent (skipped when `--container-runtime-endpoint` names
// a runtime someone else runs).
export { startContainerd, waitForSocket, type ContainerdOptions, type ContainerdSupervisor } from './supervisor.js';
export { containerdPaths, renderContainerdConfig, type ContainerdPaths } from './config.js';
export { parseRegistries, registryToml, RegistriesFileError, type Registries } from './registries.js';
export { prepareContainerd, DEFAULT_PAUSE_IMAGE, type ContainerdNode, type ContainerdNodeOptions } from './node-runtime.js';
