// A container's environment as the kubelet builds it: envFrom sources first, then `env` in
// order; each value may refer to variables defined before it as $(NAME) ($$ escapes); valueFrom
// reads ConfigMaps, Secrets, the pod's own fields (downward API) and its resources.
// Service-link variables (FOO_SERVICE_HOST …) are not generated yet.
import type { Container, KeyedData, PodObject } from './pod-types.js';
import { Quantity } from '../../api/quantity.js';

export class ContainerConfigError extends Error {}

export interface EnvSources {
  configMap(namespace: string, name: string): Promise<KeyedData | undefined>;
  secret(namespace: string, name: string): Promise<KeyedData | undefined>;
  /** The node's allocatable cpu and memory: the default for unset limits. */
  allocatable: { cpu: string; memory: string };
  podIPs: string[];
  hostIPs: string[];
  /** Warnings for events (e.g. skipped envFrom keys). */
  warn(reason: string, message: string): void;
  /** Service-link variables: added last unless defined, and visible to $(VAR) references. */
  serviceEnv?: Array<{ name: string; value: string }>;
}

/** Upstream's relaxed rule (1.32+): any printable ASCII except '='. */
function validEnvName(name: string): boolean {
  return name.length > 0 && /^[\x20-\x7e]+$/.test(name) && !name.includes('=');
}

/** $(VAR) expansion as upstream's third_party/forked/golang/expansion: unknown references stay as written. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const n = input[i + 1];
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const v = lookup(name);
      out += v ?? `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

function decode(obj: KeyedData, key: string, secret: boolean): string | undefined {
  if (secret) {
    const v = obj.data?.[key];
    return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
  }
  const v = obj.data?.[key];
  if (v !== undefined) return v;
  const b = obj.binaryData?.[key];
  return b === undefined ? undefined : Buffer.from(b, 'base64').toString('utf8');
}

export function podFieldValue(pod: PodObject, path: string, src: Pick<EnvSources, 'podIPs' | 'hostIPs'>): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata.name;
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid;
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP': return src.hostIPs[0] ?? '';
    case 'status.hostIPs': return src.hostIPs.join(',');
    case 'status.podIP': return src.podIPs[0] ?? '';
    case 'status.podIPs': return src.podIPs.join(',');
    default: throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

export function resourceFieldValue(container: Container, resource: string, divisor: string | undefined, allocatable: EnvSources['allocatable']): string {
  const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
  const res = container.resources ?? {};
  let q = (kind === 'limits' ? res.limits : res.requests)?.[name] as string | undefined;
  if (q === undefined && kind === 'limits' && (name === 'cpu' || name === 'memory')) q = allocatable[name];
  if (q === undefined && kind === 'requests' && res.limits?.[name] !== undefined) q = String(res.limits[name]);
  if (q === undefined) q = '0';
  const value = Quantity.parse(String(q));
  const div = Quantity.parse(divisor ?? '1');
  if (div.isZero()) throw new ContainerConfigError(`invalid divisor for ${resource}`);
  if (name === 'cpu') return String(Math.ceil(value.milliValue() / div.milliValue()));
  return String(Math.ceil(value.value() / div.value()));
}

export async function containerEnv(pod: PodObject, container: Container, src: EnvSources): Promise<Array<{ name: string; value: string }>> {
  const ns = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  const services = new Map((src.serviceEnv ?? []).map((e) => [e.name, e.value]));
  const lookup = (n: string) => vars.get(n) ?? services.get(n);
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const isSecret = !!from.secretRef;
    const obj = isSecret ? await src.secret(ns, ref.name) : await src.configMap(ns, ref.name);
    if (!obj) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${isSecret ? 'secret' : 'configmap'} "${ref.name}" not found`);
    }
    const keys = [...Object.keys(obj.data ?? {}), ...(isSecret ? [] : Object.keys(obj.binaryData ?? {}))];
    const invalid: string[] = [];
    for (const k of keys) {
      const name = (from.prefix ?? '') + k;
      if (!validEnvName(name)) {
        invalid.push(k);
        continue;
      }
      vars.set(name, decode(obj, k, isSecret) ?? '');
    }
    if (invalid.length) {
      src.warn('InvalidEnvironmentVariableNames', `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${isSecret ? 'secret' : 'configMap'} ${ns}/${ref.name} were skipped since they are invalid environment variable names.`);
    }
  }
  for (const e of container.env ?? []) {
    let value: string;
    const vf = e.valueFrom;
    if (!vf) {
      value = expand(e.value ?? '', lookup);
    } else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const isSecret = !!vf.secretKeyRef;
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const obj = isSecret ? await src.secret(ns, ref.name ?? '') : await src.configMap(ns, ref.name ?? '');
      const v = obj ? decode(obj, ref.key, isSecret) : undefined;
      if (v === undefined) {
        if (ref.optional) continue;
        if (!obj) throw new ContainerConfigError(`${isSecret ? 'secret' : 'configmap'} "${ref.name}" not found`);
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${isSecret ? 'Secret' : 'ConfigMap'} ${ns}/${ref.name}`);
      }
      value = v;
    } else if (vf.fieldRef) {
      value = podFieldValue(pod, vf.fieldRef.fieldPath, src);
    } else if (vf.resourceFieldRef) {
      const target = vf.resourceFieldRef.containerName
        ? [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].find((c) => c.name === vf.resourceFieldRef!.containerName) ?? container
        : container;
      value = resourceFieldValue(target, vf.resourceFieldRef.resource, vf.resourceFieldRef.divisor as string | undefined, src.allocatable);
    } else {
      value = '';
    }
    vars.set(e.name, value);
  }
  for (const [name, value] of services) if (!vars.has(name)) vars.set(name, value);
  return [...vars].map(([name, value]) => ({ name, value }));
}
