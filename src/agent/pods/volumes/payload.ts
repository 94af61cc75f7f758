// What a configMap, secret, downwardAPI or projected volume holds, as upstream's MakePayload
// functions build it: every key (or only `items`, each at its `path` with its `mode`), file
// modes from `defaultMode` (0644 when unset), missing objects or keys tolerated only when
// `optional`.
import type { KeyedData, PodObject } from '../pod-types.js';
import { podFieldValue, resourceFieldValue, type EnvSources } from '../env.js';
import type { Payload } from './atomic-writer.js';

export const defaultFileMode = 0o644;

/** Raised for a volume whose source cannot be projected yet (the pod waits with FailedMount). */
export class VolumeError extends Error {}

export interface KeyToPath { key: string; path: string; mode?: number }

export interface KeyedSource {
  kind: 'configmap' | 'secret';
  name: string;
  items?: KeyToPath[];
  optional?: boolean;
  defaultMode?: number;
}

function keyValue(obj: KeyedData, key: string, secret: boolean): Buffer | undefined {
  const d = obj.data?.[key];
  if (d !== undefined) return secret ? Buffer.from(d, 'base64') : Buffer.from(d);
  const b = obj.binaryData?.[key];
  if (b !== undefined) return Buffer.from(b, 'base64');
  return undefined;
}

/** The payload of a configMap or secret (volume or projection source). */
export function keyedPayload(obj: KeyedData | undefined, src: KeyedSource): Payload {
  const payload: Payload = new Map();
  const secret = src.kind === 'secret';
  const mode = src.defaultMode ?? defaultFileMode;
  if (!obj) {
    if (src.optional) return payload;
    throw new VolumeError(`${src.kind} "${src.name}" not found`);
  }
  if (src.items?.length) {
    for (const it of src.items) {
      const v = keyValue(obj, it.key, secret);
      if (v === undefined) {
        if (src.optional) continue;
        throw new VolumeError(secret ? `references non-existent secret key: ${it.key}` : `configmap references non-existent config key: ${it.key}`);
      }
      payload.set(it.path, { data: v, mode: it.mode ?? mode });
    }
    return payload;
  }
  for (const k of [...Object.keys(obj.data ?? {}), ...Object.keys(obj.binaryData ?? {})]) {
    payload.set(k, { data: keyValue(obj, k, secret)!, mode });
  }
  return payload;
}

export interface DownwardItem {
  path: string;
  mode?: number;
  fieldRef?: { fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: unknown };
}

type DownwardSources = Pick<EnvSources, 'allocatable' | 'podIPs' | 'hostIPs'>;

/** labels / annotations as upstream formats them: sorted `key="value"` lines. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

export function downwardPayload(pod: PodObject, items: DownwardItem[], defaultMode: number | undefined, src: DownwardSources): Payload {
  const payload: Payload = new Map();
  for (const it of items) {
    let v = '';
    if (it.fieldRef) {
      const p = it.fieldRef.fieldPath;
      if (p === 'metadata.labels') v = formatMap(pod.metadata.labels);
      else if (p === 'metadata.annotations') v = formatMap(pod.metadata.annotations);
      else v = podFieldValue(pod, p, src);
    } else if (it.resourceFieldRef) {
      const ref = it.resourceFieldRef;
      const c = pod.spec.containers.find((x) => x.name === ref.containerName) ?? pod.spec.containers[0]!;
      v = resourceFieldValue(c, ref.resource, ref.divisor as string | undefined, src.allocatable);
    }
    payload.set(it.path, { data: Buffer.from(v), mode: it.mode ?? defaultMode ?? defaultFileMode });
  }
  return payload;
}
