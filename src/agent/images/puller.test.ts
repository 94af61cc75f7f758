import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/testing/fake-clock.js';
import { silentLogger } from '../../api/log.js';
import type { AuthConfig, ImageInfo, ImageService, ImageSpec } from '../runtime/types.js';
import type { Container, PodObject } from '../pods/pod-types.js';
import { ImagePuller, shouldPullImage } from './puller.js';
import type { SecretLike } from './credentials.js';

class FakeImages implements ImageService {
  readonly present = new Map<string, ImageInfo>();
  readonly pulls: Array<{ image: string; auth?: AuthConfig }> = [];
  failWith?: (image: string, auth?: AuthConfig) => string | undefined;
  constructor(private readonly clock?: FakeClock, private readonly pullMs = 0) {}
  async pullImage(spec: ImageSpec, auth?: AuthConfig): Promise<string> {
    this.pulls.push({ image: spec.image, ...(auth ? { auth } : {}) });
    if (this.clock && this.pullMs) await this.clock.advance(this.pullMs);
    const err = this.failWith?.(spec.image, auth);
    if (err) throw new Error(err);
    const info = { id: `sha256:${spec.image.length}`, repoTags: [spec.image], repoDigests: [], size: 1234 };
    this.present.set(spec.image, info);
    this.present.set(info.id, info);
    return info.id;
  }
  async imageStatus(spec: ImageSpec) { return this.present.get(spec.image); }
  async listImages() { return [...new Set(this.present.values())]; }
  async removeImage(spec: ImageSpec) { this.present.delete(spec.image); }
}

function pod(secrets: string[] = []): PodObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '1' }, spec: { containers: [], imagePullSecrets: secrets.map((name) => ({ name })) } } as unknown as PodObject;
}

function setup(opts: { secrets?: Record<string, SecretLike>; pullMs?: number } = {}) {
  const clock = new FakeClock();
  const images = new FakeImages(clock, opts.pullMs);
  const events: string[] = [];
  const puller = new ImagePuller({ images, clock, log: silentLogger, secret: async (_ns, name) => opts.secrets?.[name] });
  const ensure = (c: Container, p = pod()) => puller.ensureImage(p, c, (type, reason, message) => events.push(`${type} ${reason} ${message}`));
  return { clock, images, events, puller, ensure };
}

describe('pull policy', () => {
  it('decides as upstream shouldPullImage', () => {
    expect(shouldPullImage('Never', false)).toBe(false);
    expect(shouldPullImage('Never', true)).toBe(false);
    expect(shouldPullImage('IfNotPresent', true)).toBe(false);
    expect(shouldPullImage('IfNotPresent', false)).toBe(true);
    expect(shouldPullImage('Always', true)).toBe(true);
  });
});

describe('ImagePuller', () => {
  it('reports a present image for IfNotPresent and pulls for Always', async () => {
    const t = setup({ pullMs: 1500 });
    await t.images.pullImage({ image: 'busybox:1.36' });
    t.images.pulls.length = 0;
    expect(await t.ensure({ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' })).toEqual({ imageRef: 'sha256:12' });
    expect(t.events).toEqual(['Normal Pulled Container image "busybox:1.36" already present on machine']);
    expect(t.images.pulls).toEqual([]);
    t.events.length = 0;
    const r = await t.ensure({ name: 'c', image: 'busybox', imagePullPolicy: 'Always' });
    expect(r.imageRef).toBeDefined();
    expect(t.images.pulls).toEqual([{ image: 'busybox:latest' }]);
    expect(t.events).toEqual(['Normal Pulling Pulling image "busybox"', 'Normal Pulled Successfully pulled image "busybox" in 1.5s (1.5s including waiting). Image size: 1234 bytes.']);
  });

  it('waits with ErrImageNeverPull for an absent image with policy Never', async () => {
    const t = setup();
    expect(await t.ensure({ name: 'c', image: 'x:1', imagePullPolicy: 'Never' })).toEqual({ waiting: { reason: 'ErrImageNeverPull', message: 'Container image "x:1" is not present with pull policy of Never' } });
    expect(t.events).toEqual(['Warning ErrImageNeverPull Container image "x:1" is not present with pull policy of Never', 'Warning Failed Error: ErrImageNeverPull']);
  });

  it('rejects an invalid name with InvalidImageName', async () => {
    const t = setup();
    const r = await t.ensure({ name: 'c', image: 'Bad:Name:x' });
    expect(r.waiting?.reason).toBe('InvalidImageName');
    expect(t.events[0]).toMatch(/^Warning InspectFailed Failed to apply default image tag "Bad:Name:x": couldn't parse image reference/);
    expect(t.events[1]).toBe('Warning Failed Error: InvalidImageName');
  });

  it('backs off per pod and image: ErrImagePull, then ImagePullBackOff for 10 s doubling to 5 min', async () => {
    const t = setup();
    t.images.failWith = () => 'rpc error: code = NotFound desc = not found';
    const c = { name: 'c', image: 'nope:1' };
    expect(await t.ensure(c)).toEqual({ waiting: { reason: 'ErrImagePull', message: 'rpc error: code = NotFound desc = not found' } });
    expect(t.events).toEqual([
      'Normal Pulling Pulling image "nope:1"',
      'Warning Failed Failed to pull image "nope:1": rpc error: code = NotFound desc = not found',
      'Warning Failed Error: ErrImagePull',
    ]);
    t.events.length = 0;
    expect(await t.ensure(c)).toEqual({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' } });
    expect(t.events).toEqual(['Normal BackOff Back-off pulling image "nope:1"', 'Warning Failed Error: ImagePullBackOff']);
    expect(t.images.pulls).toHaveLength(1);
    // Asked again at once (kites' pod worker looks every 2 s): same waiting, no new events.
    t.events.length = 0;
    await t.clock.advance(2_000);
    expect((await t.ensure(c)).waiting?.reason).toBe('ImagePullBackOff');
    expect(t.events).toEqual([]);
    // Another pod is not held back by this pod's back-off.
    const other = pod();
    other.metadata.uid = 'u2';
    expect((await t.ensure(c, other)).waiting?.reason).toBe('ErrImagePull');
    await t.clock.advance(7_999);
    expect((await t.ensure(c)).waiting?.reason).toBe('ImagePullBackOff');
    await t.clock.advance(1);
    expect((await t.ensure(c)).waiting?.reason).toBe('ErrImagePull');
    await t.clock.advance(19_999);
    expect((await t.ensure(c)).waiting?.reason).toBe('ImagePullBackOff');
    await t.clock.advance(1);
    expect((await t.ensure(c)).waiting?.reason).toBe('ErrImagePull');
    for (let i = 0; i < 6; i++) {
      await t.clock.advance(300_000);
      await t.ensure(c);
    }
    await t.clock.advance(299_999);
    expect((await t.ensure(c)).waiting?.reason).toBe('ImagePullBackOff');
    await t.clock.advance(1);
    t.images.failWith = undefined;
    expect((await t.ensure(c)).imageRef).toBeDefined();
  });

  it('tries each matching imagePullSecret credential, no anonymous pull after them', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const dockerconfig = (auths: Record<string, unknown>) => ({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) } });
    const t = setup({ secrets: {
      a: dockerconfig({ '127.0.0.1:5000': { username: 'wrong', password: 'x' } }),
      b: dockerconfig({ 'http://127.0.0.1:5000/lib': { auth: b64('right:pw') }, 'other.io': { username: 'o' } }),
    } });
    t.images.failWith = (_i, auth) => (auth?.username === 'right' ? undefined : `unauthorized for ${auth?.username ?? 'anonymous'}`);
    const p = pod(['a', 'b', 'missing']);
    const r = await t.ensure({ name: 'c', image: '127.0.0.1:5000/lib/busybox:1.36' }, p);
    expect(r.imageRef).toBeDefined();
    expect(t.images.pulls.map((x) => x.auth?.username)).toEqual(['right']);
    expect(t.events).toContain('Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (missing); attempting to pull the image may not succeed.');
    t.images.pulls.length = 0;
    t.images.failWith = () => 'denied';
    const r2 = await t.ensure({ name: 'c', image: '127.0.0.1:5000/other/busybox:1.36', imagePullPolicy: 'Always' }, p);
    expect(t.images.pulls.map((x) => x.auth?.username)).toEqual(['wrong']);
    expect(r2.waiting).toEqual({ reason: 'ErrImagePull', message: 'denied' });
  });

  it('pulls one image at a time and reports the waiting', async () => {
    const t = setup({ pullMs: 1000 });
    const [a, b] = await Promise.all([t.ensure({ name: 'a', image: 'a:1' }), t.ensure({ name: 'b', image: 'b:1' })]);
    expect(a.imageRef && b.imageRef).toBeTruthy();
    const pulled = t.events.filter((e) => e.includes('Successfully'));
    expect(pulled).toEqual([
      'Normal Pulled Successfully pulled image "a:1" in 1s (1s including waiting). Image size: 1234 bytes.',
      'Normal Pulled Successfully pulled image "b:1" in 1s (2s including waiting). Image size: 1234 bytes.',
    ]);
  });
});
