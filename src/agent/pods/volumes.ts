// Pod volumes as host directories under <data-dir>/agent/pods/<uid>/volumes/<name>, set up as
// kubelet's volume plugins do (the pieces live in ./volumes/): emptyDir (a tmpfs for medium
// Memory), configMap, secret, downwardAPI and projected (published atomically through a `..data`
// symlink and refreshed on every pod sync, so a container that bind-mounted the directory sees
// updates whole), hostPath with its type checks, and a bound PersistentVolumeClaim's host
// directory. The CRI runtime bind-mounts what containerMounts returns. A host process cannot see
// a volume at its mountPath, so on the process runtime the agent (1) exports
// KITES_VOLUME_<NAME>=<host dir> to the container, (2) creates a symlink at mountPath when that
// path does not exist and its parent is writable (removed with the pod), and (3) otherwise emits
// a Warning event FailedMount saying so — a mount is never dropped silently.
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Container, KeyedData, PodObject } from './pod-types.js';
import type { EnvSources } from './env.js';
import type { Mount } from '../runtime/types.js';
import { VolumeError, downwardPayload, keyedPayload, type DownwardItem } from './volumes/payload.js';
import { PayloadPathError, writePayloadAtomically, type Payload } from './volumes/atomic-writer.js';
import { checkHostPathType } from './volumes/host-path.js';
import { setUpEmptyDir } from './volumes/empty-dir.js';
import { systemMounter, type HostMounter } from './volumes/mounts.js';
import { resolveSubPath } from './volumes/subpath.js';
import type { FsGroupChangePolicy } from './volumes/ownership.js';

export { VolumeError };
export { SubPathError } from './volumes/subpath.js';
export type { HostMounter };

export interface VolumeSources {
  configMap(namespace: string, name: string): Promise<KeyedData | undefined>;
  secret(namespace: string, name: string): Promise<KeyedData | undefined>;
  serviceAccountToken?(namespace: string, serviceAccount: string, audience: string | undefined, expirationSeconds: number): Promise<string | undefined>;
  /** The host path behind a bound claim (hostPath or local PVs); throws VolumeError while unbound. */
  claimPath?(namespace: string, claim: string): Promise<string>;
  allocatable: EnvSources['allocatable'];
  podIPs: string[];
  hostIPs: string[];
  warn(reason: string, message: string): void;
  /** Mounts tmpfs for Memory emptyDirs (default: mount(8) when root). */
  mounter?: HostMounter;
}

/** Volume name → host directory (or file), plus which volumes are read-only whatever the mount says. */
export class PodVolumes extends Map<string, string> {
  /** configMap, secret, downwardAPI, projected and read-only claims: always mounted read-only, as upstream. */
  readonly readOnly = new Set<string>();
}

/** Where the ServiceAccount admission mounts the API access token volume. */
export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

export function podDir(dataDir: string, uid: string): string {
  return join(dataDir, 'agent', 'pods', uid);
}

export function volumeEnvName(volume: string): string {
  return `KITES_VOLUME_${volume.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

type VolumeSpec = NonNullable<PodObject['spec']['volumes']>[number];

/** The payload of a projected volume: its sources merged in order, defaultMode shared. */
async function projectedPayload(pod: PodObject, v: VolumeSpec, src: VolumeSources): Promise<Payload> {
  const ns = pod.metadata.namespace ?? 'default';
  const p = v.projected!;
  const defaultMode = p.defaultMode;
  const payload: Payload = new Map();
  for (const s of p.sources ?? []) {
    let part: Payload = new Map();
    if (s.configMap) {
      const name = s.configMap.name ?? '';
      part = keyedPayload(await src.configMap(ns, name), { kind: 'configmap', name, items: s.configMap.items, optional: s.configMap.optional, defaultMode });
    } else if (s.secret) {
      const name = s.secret.name ?? '';
      part = keyedPayload(await src.secret(ns, name), { kind: 'secret', name, items: s.secret.items, optional: s.secret.optional, defaultMode });
    } else if (s.downwardAPI) {
      part = downwardPayload(pod, (s.downwardAPI.items ?? []) as DownwardItem[], defaultMode, src);
    } else if (s.serviceAccountToken) {
      const t = s.serviceAccountToken;
      const token = await src.serviceAccountToken?.(ns, pod.spec.serviceAccountName ?? 'default', t.audience, t.expirationSeconds ?? 3607);
      if (token === undefined) src.warn('FailedMount', `MountVolume.SetUp for volume "${v.name}": the service account token could not be requested; ${t.path} is left out`);
      else part.set(t.path, { data: Buffer.from(token), mode: defaultMode ?? 0o644 });
    }
    for (const [k, f] of part) payload.set(k, f);
  }
  return payload;
}

/** The payload of a configMap, secret, downwardAPI or projected volume; undefined for other types. */
async function volumePayload(pod: PodObject, v: VolumeSpec, src: VolumeSources): Promise<Payload | undefined> {
  const ns = pod.metadata.namespace ?? 'default';
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    return keyedPayload(await src.configMap(ns, name), { kind: 'configmap', name, items: v.configMap.items, optional: v.configMap.optional, defaultMode: v.configMap.defaultMode });
  }
  if (v.secret) {
    const name = v.secret.secretName ?? '';
    return keyedPayload(await src.secret(ns, name), { kind: 'secret', name, items: v.secret.items, optional: v.secret.optional, defaultMode: v.secret.defaultMode });
  }
  if (v.downwardAPI) return downwardPayload(pod, (v.downwardAPI.items ?? []) as DownwardItem[], v.downwardAPI.defaultMode, src);
  if (v.projected) return projectedPayload(pod, v, src);
  return undefined;
}

/** Sets up (or refreshes) one volume; returns its host path. */
async function setUpVolume(pod: PodObject, v: VolumeSpec, dir: string, src: VolumeSources, out: PodVolumes): Promise<string> {
  const fsGroup = pod.spec.securityContext?.fsGroup;
  if (v.hostPath) {
    checkHostPathType(v.hostPath.path, v.hostPath.type);
    return v.hostPath.path;
  }
  if (v.persistentVolumeClaim && src.claimPath) {
    // A hostPath/local PV is its directory, created when missing as a local-path provisioner would.
    const path = await src.claimPath(pod.metadata.namespace ?? 'default', v.persistentVolumeClaim.claimName);
    mkdirSync(path, { recursive: true });
    if (v.persistentVolumeClaim.readOnly) out.readOnly.add(v.name);
    return path;
  }
  if (v.emptyDir) {
    await setUpEmptyDir(dir, pod, v.emptyDir, v.name, {
      mounter: src.mounter ?? systemMounter(), allocatableMemory: src.allocatable.memory, fsGroup,
      fsGroupChangePolicy: pod.spec.securityContext?.fsGroupChangePolicy as FsGroupChangePolicy | undefined, warn: src.warn,
    });
    return dir;
  }
  const payload = await volumePayload(pod, v, src);
  if (payload) {
    try {
      writePayloadAtomically(dir, payload, { fsGroup });
    } catch (e) {
      if (e instanceof PayloadPathError) throw new VolumeError(e.message);
      throw e;
    }
    out.readOnly.add(v.name);
    return dir;
  }
  src.warn('FailedMount', `volume "${v.name}": this volume type is not supported by the node agent; an empty directory stands in for it`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Prepares every volume of the pod (idempotent: runs on every pod sync, refreshing projected
 * contents); returns volume name → host directory (or file). A volume that cannot be set up
 * yet throws VolumeError with upstream's "MountVolume.SetUp failed" wording.
 */
export async function prepareVolumes(pod: PodObject, dataDir: string, src: VolumeSources): Promise<PodVolumes> {
  const base = join(podDir(dataDir, pod.metadata.uid), 'volumes');
  const out = new PodVolumes();
  for (const v of pod.spec.volumes ?? []) {
    try {
      out.set(v.name, await setUpVolume(pod, v, join(base, v.name), src, out));
    } catch (e) {
      if (e instanceof VolumeError) throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${e.message}`);
      throw e;
    }
  }
  return out;
}

/**
 * The runtime mounts of one container: subPath/subPathExpr resolved into the host path (env: the
 * container's variables, for subPathExpr), read-only when the mount or the volume says so.
 * Throws SubPathError (a ContainerConfigError) for a subPath that cannot be used.
 */
export function containerMounts(container: Container, volumes: Map<string, string>, env: Array<{ name: string; value: string }> = []): Mount[] {
  const mounts: Mount[] = [];
  const readOnlyVolumes = volumes instanceof PodVolumes ? volumes.readOnly : new Set<string>();
  for (const m of container.volumeMounts ?? []) {
    const host = volumes.get(m.name);
    if (!host) continue;
    const hostPath = resolveSubPath(host, m, container.name, env);
    mounts.push({ containerPath: m.mountPath, hostPath, readOnly: !!m.readOnly || readOnlyVolumes.has(m.name) });
  }
  return mounts;
}

/**
 * The process runtime's stand-in for mounts: env vars naming the host directories, symlinks at
 * mountPath where the host allows one, and a warning for every mount it cannot place.
 */
export function exposeMountsOnHost(container: Container, mounts: Mount[], podDirectory: string, warn: (reason: string, message: string) => void): Array<{ name: string; value: string }> {
  const env: Array<{ name: string; value: string }> = [];
  const links = linkRecord(podDirectory);
  (container.volumeMounts ?? []).forEach((vm, i) => {
    const m = mounts[i];
    if (!m) return;
    env.push({ name: volumeEnvName(vm.name), value: m.hostPath });
    if (resolve(m.containerPath) === resolve(m.hostPath)) return;
    // The API access token every pod gets: one host path cannot serve every pod, and warning on
    // each pod would drown real problems; the env variable says where it is.
    if (m.containerPath === serviceAccountMountPath) return;
    let placed = false;
    try {
      const st = lstatSync(m.containerPath);
      placed = st.isSymbolicLink() && readlinkSync(m.containerPath) === m.hostPath;
    } catch {
      try {
        accessSync(dirname(m.containerPath), constants.W_OK);
        symlinkSync(m.hostPath, m.containerPath);
        links.add(m.containerPath);
        placed = true;
      } catch {
        placed = false;
      }
    }
    if (!placed) {
      warn('FailedMount', `the process runtime cannot mount volume "${vm.name}" at ${m.containerPath} (containers are host processes and that host path exists or is not writable); the container finds it at $${volumeEnvName(vm.name)}=${m.hostPath}`);
    }
  });
  links.save();
  return env;
}

function linkRecord(podDirectory: string): { add(p: string): void; save(): void } {
  const file = join(podDirectory, 'symlinks.json');
  const set = new Set<string>(readLinks(file));
  return {
    add: (p) => set.add(p),
    save: () => {
      if (set.size === 0) return;
      mkdirSync(podDirectory, { recursive: true });
      writeFileSync(file, JSON.stringify([...set]));
    },
  };
}

function readLinks(file: string): string[] {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as string[];
  } catch {
    return [];
  }
}

/**
 * Tears the pod's volumes down and removes what the pod left on the host: tmpfs mounts under its
 * directory (unmounted first, deepest first), its symlinks at mount paths, and its directory.
 * When a mount cannot be removed the directory stays (deleting through a mount would reach
 * whatever is mounted there); the next call tries again. Returns whether the directory is gone.
 */
export function cleanupPodDir(dataDir: string, uid: string, mounter: HostMounter = systemMounter()): boolean {
  const dir = podDir(dataDir, uid);
  for (const p of readLinks(join(dir, 'symlinks.json'))) {
    try {
      if (lstatSync(p).isSymbolicLink()) rmSync(p);
    } catch {
      // already gone
    }
  }
  for (const m of mounter.mountsUnder(dir)) mounter.unmount(m);
  if (mounter.mountsUnder(dir).length > 0) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/**
 * Removes the directories (and tmpfs mounts) of pods the node no longer runs, as kubelet's
 * cleanupOrphanedPodDirs does; keep holds the UIDs of pods that still have a worker.
 */
export function cleanupOrphanedPodDirs(dataDir: string, keep: Set<string>, mounter: HostMounter = systemMounter()): string[] {
  const root = join(dataDir, 'agent', 'pods');
  let uids: string[];
  try {
    uids = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const uid of uids) {
    if (keep.has(uid)) continue;
    if (cleanupPodDir(dataDir, uid, mounter)) removed.push(uid);
  }
  return removed;
}
