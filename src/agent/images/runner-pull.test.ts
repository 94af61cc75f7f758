// The container runner with an image puller: no container is created until the pull succeeded,
// and the slot waits with the pull's reason meanwhile.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/testing/fake-clock.js';
import { silentLogger } from '../../api/log.js';
import { ContainerRunner, type PodHandle } from '../pods/container-runner.js';
import type { PodWorkerContext } from '../pods/pod-context.js';
import type { PodObject } from '../pods/pod-types.js';
import type { Slot } from '../pods/container-slot.js';
import type { ImageInfo, ImageService } from '../runtime/types.js';
import { ImagePuller } from './puller.js';

describe('container runner with an image puller', () => {
  it('waits with ErrImagePull, then ImagePullBackOff, and creates the container once the image is pulled', async () => {
    const clock = new FakeClock();
    let fail = true;
    const present = new Map<string, ImageInfo>();
    const images: ImageService = {
      pullImage: async ({ image }) => {
        if (fail) throw new Error('manifest unknown');
        present.set(image, { id: 'sha256:abc', repoTags: [image], repoDigests: [], size: 10 });
        return 'sha256:abc';
      },
      imageStatus: async ({ image }) => present.get(image) ?? (image === 'sha256:abc' ? present.values().next().value : undefined),
      listImages: async () => [...present.values()],
      removeImage: async () => {},
    };
    const created: string[] = [];
    const ctx = {
      images, imagePuller: new ImagePuller({ images, secret: async () => undefined, clock, log: silentLogger }),
      runtime: {
        createContainer: async (_s: string, cfg: { name: string }) => { created.push(cfg.name); return 'cid'; },
        startContainer: async () => {}, removeContainer: async () => {},
      },
      hostProcessMounts: true, configMap: async () => undefined, secret: async () => undefined,
      allocatable: { cpu: '1', memory: '1Gi' }, nodeIPs: ['10.0.0.1'], dataDir: '/nonexistent', clock, log: silentLogger,
    } as unknown as PodWorkerContext;
    const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'reg.example.com/app:1' }] } } as unknown as PodObject;
    const events: string[] = [];
    const handle: PodHandle = {
      ctx, uid: 'u1', pod: () => pod, sandboxId: () => 'sb', podIPs: () => ['10.1.0.2'], logPath: () => '/dev/null',
      sandboxConfig: () => ({ uid: 'u1', name: 'p', namespace: 'default', attempt: 0, hostname: 'p', hostNetwork: false, portMappings: [], labels: {}, annotations: {}, logDirectory: '/tmp' }),
      event: (_t, reason, message) => { events.push(`${reason}: ${message}`); }, cachedStatus: () => undefined, trigger: () => {},
    };
    const runner = new ContainerRunner(handle);
    const slot: Slot = { spec: pod.spec.containers[0]!, init: false, attempt: 0, imageID: '', probes: {} };
    expect(await runner.create(slot, new Map())).toBeUndefined();
    expect(slot.waiting).toEqual({ reason: 'ErrImagePull', message: 'manifest unknown' });
    expect(await runner.create(slot, new Map())).toBeUndefined();
    expect(slot.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "reg.example.com/app:1"' });
    expect(created).toEqual([]);
    fail = false;
    await clock.advance(10_000);
    expect(await runner.create(slot, new Map())).toBe('cid');
    expect(slot.waiting).toBeUndefined();
    expect(slot.imageID).toBe('sha256:abc');
    expect(created).toEqual(['c']);
    expect(events.filter((e) => e.startsWith('Pulled') || e.startsWith('Created'))).toEqual([
      'Pulled: Successfully pulled image "reg.example.com/app:1" in 0s (0s including waiting). Image size: 10 bytes.',
      'Created: Created container: c',
    ]);
  });
});
