// Pod volumes as host directories under <data-dir>/agent/pods/<uid>/volumes/<name>: emptyDir,
// configMap, secret, downwardAPI and projected (files written atomically and refreshed on every
// pod sync), hostPath as the host path itself. A host process cannot see a volume at its
// mountPath, so on the process runtime the agent (1) exports KITES_VOLUME_<NAME>=<host dir> to
// the container, (2) creates a symlink at mountPath when that path does not exist and its parent
// is writable (removed with the pod), and (3) otherwise emits a Warning event FailedMount saying
// so — a mount is never dropped silently.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Container, KeyedData, PodObject } from './pod-types.js';
import { podFieldValue, resourceFieldValue, type EnvSources } from './env.js';
import type { Mount } from '../runtime/types.js';

export class VolumeError extends Error {}

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
}

type Files = Map<string, Buffer>;

export function podDir(dataDir: string, uid: string): string {
  return join(dataDir, 'agent', 'pods', uid);
}

export function volumeEnvName(volume: string): string {
  return `KITES_VOLUME_${volume.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Writes the projected files of a volume, replacing each atomically and removing stale ones. */
function writeFiles(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of files) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    let same = false;
    try {
      same = readFileSync(path).equals(content);
    } catch {
      // new file
    }
    if (same) continue;
    const tmp = `${path}.kites-tmp`;
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  }
  const want = new Set([...files.keys()].map((k) => k.split('/')[0]));
  for (const f of readdirSync(dir)) if (!want.has(f)) rmSync(join(dir, f), { recursive: true, force: true });
}

function keyedFiles(obj: KeyedData | undefined, secret: boolean, items: Array<{ key: string; path: string }> | undefined, what: string, optional: boolean): Files {
  const files: Files = new Map();
  if (!obj) {
    if (optional) return files;
    throw new VolumeError(`${what} not found`);
  }
  const value = (k: string): Buffer | undefined => {
    if (obj.data?.[k] !== undefined) return secret ? Buffer.from(obj.data[k]!, 'base64') : Buffer.from(obj.data[k]!);
    if (obj.binaryData?.[k] !== undefined) return Buffer.from(obj.binaryData[k]!, 'base64');
    return undefined;
  };
  if (items?.length) {
    for (const it of items) {
      const v = value(it.key);
      if (v === undefined) {
        if (optional) continue;
        throw new VolumeError(`configmap references non-existent config key: ${it.key}`);
      }
      files.set(it.path, v);
    }
  } else {
    for (const k of [...Object.keys(obj.data ?? {}), ...Object.keys(obj.binaryData ?? {})]) files.set(k, value(k)!);
  }
  return files;
}

type DownwardItem = { path: string; fieldRef?: { fieldPath: string }; resourceFieldRef?: { containerName?: string; resource: string; divisor?: unknown } };

function downwardFiles(pod: PodObject, items: DownwardItem[], src: VolumeSources): Files {
  const files: Files = new Map();
  const kv = (m: Record<string, string> | undefined) => Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
  for (const it of items) {
    let v = '';
    if (it.fieldRef) {
      const p = it.fieldRef.fieldPath;
      if (p === 'metadata.labels') v = kv(pod.metadata.labels);
      else if (p === 'metadata.annotations') v = kv(pod.metadata.annotations);
      else v = podFieldValue(pod, p, src);
    } else if (it.resourceFieldRef) {
      const c = pod.spec.containers.find((x) => x.name === it.resourceFieldRef!.containerName) ?? pod.spec.containers[0]!;
      v = resourceFieldValue(c, it.resourceFieldRef.resource, it.resourceFieldRef.divisor as string | undefined, src.allocatable);
    }
    files.set(it.path, Buffer.from(v));
  }
  return files;
}

/** Prepares every volume of the pod; returns volume name → host directory (or file). */
export async function prepareVolumes(pod: PodObject, dataDir: string, src: VolumeSources): Promise<Map<string, string>> {
  const ns = pod.metadata.namespace ?? 'default';
  const base = join(podDir(dataDir, pod.metadata.uid), 'volumes');
  const out = new Map<string, string>();
  for (const v of pod.spec.volumes ?? []) {
    const dir = join(base, v.name);
    try {
      if (v.hostPath) {
        const t = v.hostPath.type ?? '';
        if (t === 'DirectoryOrCreate') mkdirSync(v.hostPath.path, { recursive: true });
        else if (t === 'FileOrCreate' && !existsSync(v.hostPath.path)) {
          mkdirSync(dirname(v.hostPath.path), { recursive: true });
          writeFileSync(v.hostPath.path, '');
        } else if ((t === 'Directory' || t === 'File') && !existsSync(v.hostPath.path)) {
          throw new VolumeError(`hostPath type check failed: ${v.hostPath.path} is not a ${t === 'Directory' ? 'directory' : 'file'}`);
        }
        out.set(v.name, v.hostPath.path);
        continue;
      }
      if (v.persistentVolumeClaim && src.claimPath) {
        const path = await src.claimPath(ns, v.persistentVolumeClaim.claimName);
        mkdirSync(path, { recursive: true });
        out.set(v.name, path);
        continue;
      }
      if (v.emptyDir) {
        mkdirSync(dir, { recursive: true });
      } else if (v.configMap) {
        const obj = await src.configMap(ns, v.configMap.name ?? '');
        writeFiles(dir, keyedFiles(obj, false, v.configMap.items, `configmap "${v.configMap.name}"`, !!v.configMap.optional));
      } else if (v.secret) {
        const obj = await src.secret(ns, v.secret.secretName ?? '');
        writeFiles(dir, keyedFiles(obj, true, v.secret.items, `secret "${v.secret.secretName}"`, !!v.secret.optional));
      } else if (v.downwardAPI) {
        writeFiles(dir, downwardFiles(pod, (v.downwardAPI.items ?? []) as DownwardItem[], src));
      } else if (v.projected) {
        const files: Files = new Map();
        for (const s of v.projected.sources ?? []) {
          let part: Files = new Map();
          if (s.configMap) part = keyedFiles(await src.configMap(ns, s.configMap.name ?? ''), false, s.configMap.items, `configmap "${s.configMap.name}"`, !!s.configMap.optional);
          else if (s.secret) part = keyedFiles(await src.secret(ns, s.secret.name ?? ''), true, s.secret.items, `secret "${s.secret.name}"`, !!s.secret.optional);
          else if (s.downwardAPI) part = downwardFiles(pod, (s.downwardAPI.items ?? []) as DownwardItem[], src);
          else if (s.serviceAccountToken) {
            const token = await src.serviceAccountToken?.(ns, pod.spec.serviceAccountName ?? 'default', s.serviceAccountToken.audience, s.serviceAccountToken.expirationSeconds ?? 3607);
            if (token === undefined) src.warn('FailedMount', `MountVolume.SetUp for volume "${v.name}": the service account token could not be requested; ${s.serviceAccountToken.path} is left out`);
            else part.set(s.serviceAccountToken.path, Buffer.from(token));
          }
          for (const [k, b] of part) files.set(k, b);
        }
        writeFiles(dir, files);
      } else {
        src.warn('FailedMount', `volume "${v.name}": this volume type is not supported by the node agent; an empty directory stands in for it`);
        mkdirSync(dir, { recursive: true });
      }
    } catch (e) {
      if (e instanceof VolumeError) throw new VolumeError(`MountVolume.SetUp failed for volume "${v.name}" : ${e.message}`);
      throw e;
    }
    out.set(v.name, dir);
  }
  return out;
}

/** The runtime mounts of one container (subPath resolved into the host path). */
export function containerMounts(container: Container, volumes: Map<string, string>): Mount[] {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const host = volumes.get(m.name);
    if (!host) continue;
    const hostPath = m.subPath ? resolve(host, m.subPath) : host;
    if (m.subPath && !existsSync(hostPath)) mkdirSync(hostPath, { recursive: true });
    mounts.push({ containerPath: m.mountPath, hostPath, readOnly: !!m.readOnly });
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

/** Removes what the pod left on the host: its symlinks at mount paths and its directory. */
export function cleanupPodDir(dataDir: string, uid: string): void {
  const dir = podDir(dataDir, uid);
  for (const p of readLinks(join(dir, 'symlinks.json'))) {
    try {
      if (lstatSync(p).isSymbolicLink()) rmSync(p);
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
