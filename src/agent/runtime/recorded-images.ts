// An image service that never pulls: it remembers the images pods named. The process and the
// simulated runtimes use it (their containers do not run images); the kubelet still reports
// "already present on machine" for them, as it does for a pre-loaded image.
import { createHash } from 'node:crypto';
import type { ImageInfo, ImageService, ImageSpec } from './types.js';

export class RecordedImageService implements ImageService {
  private readonly images = new Map<string, ImageInfo>();

  async pullImage(image: ImageSpec): Promise<string> {
    let info = this.images.get(image.image);
    if (!info) {
      const id = `sha256:${createHash('sha256').update(image.image).digest('hex')}`;
      info = { id, repoTags: [image.image], repoDigests: [], size: 0 };
      this.images.set(image.image, info);
    }
    return info.id;
  }

  async imageStatus(image: ImageSpec): Promise<ImageInfo | undefined> {
    return this.images.get(image.image);
  }

  async listImages(): Promise<ImageInfo[]> {
    return [...this.images.values()];
  }

  async removeImage(image: ImageSpec): Promise<void> {
    this.images.delete(image.image);
  }
}
