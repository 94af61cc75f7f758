// Images on the node: pulls as the kubelet (policy, secrets, back-off, events), air-gap import,
// garbage collection and the Node's status.images.
export { ImagePuller, shouldPullImage, type ImagePullerOptions, type PullOutcome, type PullEvent } from './puller.js';
export { PullBackoff } from './pull-backoff.js';
export { DockerKeyring, dockerConfigOf, type SecretLike } from './credentials.js';
export { parseImageName, defaultPullPolicy, repositoryOf, InvalidImageNameError, type ImageName } from './image-name.js';
export { importAirgapImages, type AirgapImportOptions } from './airgap.js';
export { ImageGC, startImageGC, statfsImageFs, selectImagesToFree, defaultImageGCPolicy, type ImageGCOptions, type ImageGCPolicy, type ImageFsStats } from './gc.js';
export { nodeStatusImages, nodeStatusImagesFrom, type ContainerImage } from './node-images.js';
