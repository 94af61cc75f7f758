// The agent's ImageService over CRI's: pulls keep the runtime's error message (the agent turns it
// into ErrImagePull events), a missing image is `undefined`, removing one that is gone is done.
import type { AuthConfig, ImageInfo, ImageService, ImageSpec } from '../types.js';
import { CriError, type CriClient } from './cri-client.js';
import { imageInfo, type CriImage } from './status-mapping.js';

/** How long a pull may take (the kubelet sets no deadline on PullImage; a large image over a slow link takes minutes). */
const PULL_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * containerd 1.6 parses server_address as a URL and uses the credentials only when its host is the
 * image's registry: a docker config key such as `registry:5000` would fail to parse, so a bare
 * host gets a scheme.
 */
function serverURL(address: string | undefined): string {
  if (!address) return '';
  return address.includes('://') ? address : `https://${address.replace(/\/+$/, '')}`;
}

export interface ImageFsInfo { usedBytes: number; totalBytes?: number; mountpoint?: string }

export class CriImageService implements ImageService {
  constructor(private readonly client: CriClient) {}

  async pullImage(image: ImageSpec, auth?: AuthConfig): Promise<string> {
    const req: Record<string, unknown> = { image: { image: image.image } };
    if (auth) {
      req.auth = {
        username: auth.username ?? '', password: auth.password ?? '', auth: auth.auth ?? '', server_address: serverURL(auth.serverAddress),
        identity_token: auth.identityToken ?? '', registry_token: auth.registryToken ?? '',
      };
    }
    const r = await this.client.call<{ image_ref: string }>('ImageService', 'PullImage', req, PULL_TIMEOUT_MS);
    return r.image_ref;
  }

  /** The image with its user (for runAsNonRoot), or undefined when it is not present. */
  async imageStatusWithUser(image: ImageSpec): Promise<(ImageInfo & { uid?: number; username?: string }) | undefined> {
    const r = await this.client.call<{ image?: CriImage }>('ImageService', 'ImageStatus', { image: { image: image.image } });
    if (!r.image || r.image.id === '') return undefined;
    return { ...imageInfo(r.image), uid: r.image.uid?.value, username: r.image.username || undefined };
  }

  async imageStatus(image: ImageSpec): Promise<ImageInfo | undefined> {
    const i = await this.imageStatusWithUser(image);
    return i ? { id: i.id, repoTags: i.repoTags, repoDigests: i.repoDigests, size: i.size } : undefined;
  }

  async listImages(): Promise<ImageInfo[]> {
    const r = await this.client.call<{ images: CriImage[] }>('ImageService', 'ListImages', {});
    return r.images.map(imageInfo);
  }

  async removeImage(image: ImageSpec): Promise<void> {
    await this.client.call('ImageService', 'RemoveImage', { image: { image: image.image } }).catch((e: unknown) => {
      if (!(e instanceof CriError && e.notFound)) throw e;
    });
  }

  async imageFsInfo(): Promise<ImageFsInfo> {
    type Usage = { fs_id?: { mountpoint: string }; used_bytes?: { value: number } };
    const r = await this.client.call<{ image_filesystems: Usage[] }>('ImageService', 'ImageFsInfo', {});
    const fs = r.image_filesystems[0];
    const out: ImageFsInfo = { usedBytes: fs?.used_bytes?.value ?? 0 };
    if (fs?.fs_id?.mountpoint) out.mountpoint = fs.fs_id.mountpoint;
    return out;
  }
}
