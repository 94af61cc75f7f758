// Makes sure a container's image is on the node before the container is created, as upstream's
// image manager (pkg/kubelet/images) does: the pull policy decides (Never, IfNotPresent, Always);
// a failed pull backs off per pod and image (10 s doubling to 5 min); pulls run one at a time
// (the kubelet's serializeImagePulls default); credentials come from the pod's imagePullSecrets.
// Events and waiting reasons are upstream's: Pulling, Pulled, Failed, BackOff, ErrImagePull,
// ImagePullBackOff, ErrImageNeverPull, InvalidImageName.
import type { Logger } from '../../api/log.js';
import type { Clock } from '../../client/clock.js';
import type { Container, PodObject } from '../pods/pod-types.js';
import type { AuthConfig, ImageService } from '../runtime/types.js';
import { DockerKeyring, dockerConfigOf, type SecretLike } from './credentials.js';
import { goDuration } from './go-duration.js';
import { defaultPullPolicy, parseImageName, repositoryOf, type ImageName } from './image-name.js';
import { PullBackoff } from './pull-backoff.js';

export type PullEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** Either the image reference (the image's id) or why the container must wait. */
export interface PullOutcome {
  imageRef?: string;
  waiting?: { reason: string; message: string };
}

export interface ImagePullerOptions {
  images: ImageService;
  /** Reads a Secret (data base64-encoded, as the API returns it). */
  secret(namespace: string, name: string): Promise<SecretLike | undefined>;
  clock: Clock;
  log: Logger;
  backoff?: PullBackoff;
  /** One pull at a time (default true, as the kubelet). */
  serialize?: boolean;
}

/** The pull policy decision (upstream shouldPullImage). */
export function shouldPullImage(policy: string, present: boolean): boolean {
  if (policy === 'Never') return false;
  return policy === 'Always' || !present;
}

/** As upstream applyDefaultImageTag: a reference without tag or digest gets `:latest`. */
export function withDefaultTag(image: string, name: ImageName): string {
  return name.tag || name.digest ? image : `${image}:latest`;
}

export class ImagePuller {
  private readonly backoff: PullBackoff;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly o: ImagePullerOptions) {
    this.backoff = o.backoff ?? new PullBackoff();
  }

  async ensureImage(pod: PodObject, container: Container, event: PullEvent): Promise<PullOutcome> {
    const image = container.image ?? '';
    const fail = (reason: string, message: string): PullOutcome => {
      // The kubelet's container start reports the error's name as a second event.
      event('Warning', 'Failed', `Error: ${reason}`);
      return { waiting: { reason, message } };
    };
    let name: ImageName;
    try {
      name = parseImageName(image);
    } catch (e) {
      const msg = `Failed to apply default image tag ${JSON.stringify(image)}: ${(e as Error).message}`;
      event('Warning', 'InspectFailed', msg);
      return fail('InvalidImageName', msg);
    }
    const spec = { image: withDefaultTag(image, name) };
    let presentRef: string | undefined;
    try {
      presentRef = (await this.o.images.imageStatus(spec))?.id;
    } catch (e) {
      const msg = `Failed to inspect image ${JSON.stringify(image)}: ${(e as Error).message}`;
      event('Warning', 'InspectFailed', msg);
      return fail('ImageInspectError', msg);
    }
    const policy = container.imagePullPolicy ?? defaultPullPolicy(image);
    if (!shouldPullImage(policy, !!presentRef)) {
      if (presentRef) {
        event('Normal', 'Pulled', `Container image ${JSON.stringify(image)} already present on machine`);
        return { imageRef: presentRef };
      }
      const msg = `Container image ${JSON.stringify(image)} is not present with pull policy of Never`;
      event('Warning', 'ErrImageNeverPull', msg);
      return fail('ErrImageNeverPull', msg);
    }
    const key = `${pod.metadata.uid}_${image}`;
    const now = this.o.clock.now();
    if (this.backoff.inBackoff(key, now)) {
      const msg = `Back-off pulling image ${JSON.stringify(image)}`;
      if (!this.backoff.report(key, now)) return { waiting: { reason: 'ImagePullBackOff', message: msg } };
      event('Normal', 'BackOff', msg);
      return fail('ImagePullBackOff', msg);
    }
    event('Normal', 'Pulling', `Pulling image ${JSON.stringify(image)}`);
    const creds = await this.credentials(pod, name, event);
    const start = this.o.clock.now();
    let pullStart = start;
    let ref: string;
    try {
      ref = await this.serial(() => {
        pullStart = this.o.clock.now();
        return this.pullWith(spec, creds);
      });
    } catch (e) {
      const err = (e as Error).message;
      event('Warning', 'Failed', `Failed to pull image ${JSON.stringify(image)}: ${err}`);
      this.backoff.next(key, this.o.clock.now());
      this.o.log.info('image pull failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, image, err });
      return fail('ErrImagePull', err);
    }
    const end = this.o.clock.now();
    const size = await this.o.images.imageStatus({ image: ref }).then((i) => i?.size ?? 0, () => 0);
    event('Normal', 'Pulled', `Successfully pulled image ${JSON.stringify(image)} in ${goDuration(end - pullStart)} (${goDuration(end - start)} including waiting). Image size: ${size} bytes.`);
    this.backoff.gc(end);
    return { imageRef: ref };
  }

  /** Drops the back-off entries of a pod that is gone. */
  forgetPod(uid: string): void {
    this.backoff.forgetPrefix(`${uid}_`);
  }

  /** As upstream: with matching credentials each is tried in turn (no anonymous try); else one anonymous pull. */
  private async pullWith(spec: { image: string }, creds: AuthConfig[]): Promise<string> {
    if (!creds.length) return this.o.images.pullImage(spec);
    const errors: string[] = [];
    for (const auth of creds) {
      try {
        return await this.o.images.pullImage(spec, auth);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  }

  private async credentials(pod: PodObject, name: ImageName, event: PullEvent): Promise<AuthConfig[]> {
    const refs = pod.spec.imagePullSecrets ?? [];
    if (!refs.length) return [];
    const keyring = new DockerKeyring();
    const missing: string[] = [];
    for (const r of refs) {
      if (!r.name) continue;
      const s = await this.o.secret(pod.metadata.namespace ?? 'default', r.name).catch(() => undefined);
      const cfg = s ? dockerConfigOf(s) : undefined;
      if (!s) missing.push(r.name);
      if (cfg) keyring.add(cfg);
    }
    if (missing.length) event('Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`);
    return keyring.lookup(repositoryOf(name));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.o.serialize === false) return fn();
    const run = this.tail.then(fn, fn);
    this.tail = run.then(() => {}, () => {});
    return run;
  }
}
