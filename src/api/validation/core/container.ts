// One container's own rules (upstream's validateContainerCommon + per-list rules in pod-spec.ts).
import { FieldError, fieldErrors } from '../../errors.js';
import { oneOf } from '../common.js';
import { isConfigMapKey, isDNS1123Label, isRelaxedEnvVarName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from '../names.js';
import { arr, isObj, s, type J } from '../value.js';
import { validateResourceRequirements } from './resources.js';
import { validateContainerSecurityContext } from './security.js';
import { validateLocalDescendingPath } from './volumes.js';

export const supportedProtocols = ['SCTP', 'TCP', 'UDP'];

export function validateContainerCommon(c: J, p: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const name = s(c.name);
  if (!name) errs.push(fieldErrors.required(`${p}.name`));
  else errs.push(...isDNS1123Label(name).map((m) => fieldErrors.invalid(`${p}.name`, name, m)));
  if (!s(c.image)) errs.push(fieldErrors.required(`${p}.image`));
  errs.push(...oneOf(c.terminationMessagePolicy, `${p}.terminationMessagePolicy`, ['File', 'FallbackToLogsOnError'], { requiredDetail: "must be 'File' or 'FallbackToLogsOnError'" }));
  errs.push(...validateContainerPorts(c.ports, `${p}.ports`));
  errs.push(...validateEnv(c.env, `${p}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${p}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, `${p}.volumeMounts`, volumes));
  errs.push(...oneOf(c.imagePullPolicy, `${p}.imagePullPolicy`, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateResourceRequirements(c.resources, `${p}.resources`));
  errs.push(...validateContainerSecurityContext(c.securityContext, `${p}.securityContext`));
  return errs;
}

function validateContainerPorts(ports: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (arr(ports) ?? []).forEach((port, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(port)) { errs.push(fieldErrors.typeInvalid(ip, port, 'must be an object')); return; }
    const name = s(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => fieldErrors.invalid(`${ip}.name`, name, m)));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(`${ip}.name`, name));
      else names.add(name);
    }
    if (!port.containerPort) errs.push(fieldErrors.required(`${ip}.containerPort`));
    else errs.push(...isValidPortNum(port.containerPort as number).map((m) => fieldErrors.invalid(`${ip}.containerPort`, port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort as number).map((m) => fieldErrors.invalid(`${ip}.hostPort`, port.hostPort, m)));
    errs.push(...oneOf(port.protocol, `${ip}.protocol`, supportedProtocols));
  });
  return errs;
}

// Downward API fields an env var may read (upstream's validEnvDownwardAPIFieldPathExpressions).
const envFieldPaths = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

function validateEnv(env: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  (arr(env) ?? []).forEach((ev, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(ev)) { errs.push(fieldErrors.typeInvalid(ip, ev, 'must be an object')); return; }
    const name = s(ev.name);
    if (!name) errs.push(fieldErrors.required(`${ip}.name`));
    errs.push(...isRelaxedEnvVarName(name).map((m) => fieldErrors.invalid(`${ip}.name`, name, m)));
    errs.push(...validateEnvValueFrom(ev, `${ip}.valueFrom`));
  });
  return errs;
}

function validateEnvValueFrom(ev: J, p: string): FieldError[] {
  const vf = ev.valueFrom;
  if (vf === undefined || vf === null) return [];
  if (!isObj(vf)) return [fieldErrors.typeInvalid(p, vf, 'must be an object')];
  const errs: FieldError[] = [];
  let n = 0;
  if (isObj(vf.fieldRef)) {
    n++;
    const fp = s(vf.fieldRef.fieldPath);
    if (!s(vf.fieldRef.apiVersion)) errs.push(fieldErrors.required(`${p}.fieldRef.apiVersion`));
    if (!fp) errs.push(fieldErrors.required(`${p}.fieldRef.fieldPath`));
    else if (!envFieldPaths.includes(fp) && !/^metadata\.(labels|annotations)\['[^']+'\]$/.test(fp)) {
      errs.push(fieldErrors.notSupported(`${p}.fieldRef.fieldPath`, fp, [...envFieldPaths, "metadata.annotations['<KEY>']", "metadata.labels['<KEY>']"].sort()));
    }
  }
  if (isObj(vf.resourceFieldRef)) {
    n++;
    const r = s(vf.resourceFieldRef.resource);
    const ok = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];
    if (!r) errs.push(fieldErrors.required(`${p}.resourceFieldRef.resource`));
    else if (!ok.includes(r) && !r.startsWith('limits.hugepages-') && !r.startsWith('requests.hugepages-')) {
      errs.push(fieldErrors.notSupported(`${p}.resourceFieldRef.resource`, r, ok));
    }
  }
  for (const k of ['configMapKeyRef', 'secretKeyRef']) {
    const ref = vf[k];
    if (!isObj(ref)) continue;
    n++;
    errs.push(...nameIsDNSSubdomain(s(ref.name), false).map((m) => fieldErrors.invalid(`${p}.${k}.name`, s(ref.name), m)));
    const key = s(ref.key);
    if (!key) errs.push(fieldErrors.required(`${p}.${k}.key`));
    else errs.push(...isConfigMapKey(key).map((m) => fieldErrors.invalid(`${p}.${k}.key`, key, m)));
  }
  if (n === 0) errs.push(fieldErrors.invalid(p, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (s(ev.value)) errs.push(fieldErrors.invalid(p, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(fieldErrors.invalid(p, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnvFrom(envFrom: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  (arr(envFrom) ?? []).forEach((ef, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(ef)) { errs.push(fieldErrors.typeInvalid(ip, ef, 'must be an object')); return; }
    const prefix = s(ef.prefix);
    if (prefix) errs.push(...isRelaxedEnvVarName(prefix).map((m) => fieldErrors.invalid(`${ip}.prefix`, prefix, m)));
    let n = 0;
    for (const k of ['configMapRef', 'secretRef']) {
      const ref = ef[k];
      if (!isObj(ref)) continue;
      n++;
      const name = s(ref.name);
      if (!name) errs.push(fieldErrors.required(`${ip}.${k}.name`));
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => fieldErrors.invalid(`${ip}.${k}.name`, name, m)));
    }
    // Upstream reports these two at the list's path.
    if (n === 0) errs.push(fieldErrors.invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(fieldErrors.invalid(p, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, p: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  (arr(mounts) ?? []).forEach((m, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(m)) { errs.push(fieldErrors.typeInvalid(ip, m, 'must be an object')); return; }
    const name = s(m.name);
    if (!name) errs.push(fieldErrors.required(`${ip}.name`));
    if (!volumes.has(name)) errs.push(fieldErrors.notFound(`${ip}.name`, name));
    const mp = s(m.mountPath);
    if (!mp) errs.push(fieldErrors.required(`${ip}.mountPath`));
    if (points.has(mp)) errs.push(fieldErrors.invalid(`${ip}.mountPath`, mp, 'must be unique'));
    points.add(mp);
    // Upstream reports subPath problems at the list's path, not the item's.
    if (s(m.subPath)) errs.push(...validateLocalDescendingPath(s(m.subPath), `${p}.subPath`));
    if (s(m.subPathExpr)) {
      if (s(m.subPath)) errs.push(fieldErrors.invalid(`${ip}.subPathExpr`, s(m.subPathExpr), 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(s(m.subPathExpr), `${p}.subPathExpr`));
    }
    if (m.mountPropagation !== undefined && m.mountPropagation !== null) {
      errs.push(...oneOf(m.mountPropagation, `${ip}.mountPropagation`, ['Bidirectional', 'HostToContainer', 'None'], { emptyRequired: false }));
    }
  });
  return errs;
}
