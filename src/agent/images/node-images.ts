// `status.images` of the Node as the kubelet reports it (nodestatus.Images): each image's repo
// digests then repo tags (at most 5 names), its size, the largest images first, at most 50.
import type { ImageInfo, ImageService } from '../runtime/types.js';

export interface ContainerImage { names: string[]; sizeBytes: number }

export const MAX_IMAGES_IN_NODE_STATUS = 50;
export const MAX_NAMES_PER_IMAGE_IN_NODE_STATUS = 5;

export function nodeStatusImagesFrom(images: ImageInfo[], max = MAX_IMAGES_IN_NODE_STATUS): ContainerImage[] {
  return [...images]
    .sort((a, b) => b.size - a.size)
    .slice(0, max)
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags].slice(0, MAX_NAMES_PER_IMAGE_IN_NODE_STATUS), sizeBytes: i.size }));
}

/** Lists the runtime's images for the node heartbeat. */
export async function nodeStatusImages(images: Pick<ImageService, 'listImages'>, max = MAX_IMAGES_IN_NODE_STATUS): Promise<ContainerImage[]> {
  return nodeStatusImagesFrom(await images.listImages(), max);
}
