// PodSpec rules shared by Pods and every pod template (upstream's ValidatePodSpec).
import { FieldError, fieldErrors } from '../../errors.js';
import { oneOf, validateLabelName, validateLabels, validateNameWith } from '../common.js';
import { inclusiveRangeError, isDNS1123Label, isValidIP, isValidLabelValue, nameIsDNSSubdomain } from '../names.js';
import { arr, expectArr, isObj, s, type J } from '../value.js';
import { validateAffinity, validateTopologySpreadConstraints } from './affinity.js';
import { validateContainerCommon } from './container.js';
import { validatePodSecurityContext } from './security.js';
import { validateLifecycle, validateProbe } from './probes.js';
import { validateVolumes } from './volumes.js';

export function validatePodSpec(spec: unknown, p: string): FieldError[] {
  if (spec !== undefined && spec !== null && !isObj(spec)) return [fieldErrors.typeInvalid(p, spec, 'must be an object')];
  const sp: J = isObj(spec) ? spec : {};
  const { errs, names: volumes } = validateVolumes(sp.volumes, `${p}.volumes`);
  const containers = expectArr(sp.containers, `${p}.containers`, errs) ?? [];
  const initContainers = expectArr(sp.initContainers, `${p}.initContainers`, errs) ?? [];
  errs.push(...validateContainers(containers, `${p}.containers`, volumes));
  errs.push(...validateInitContainers(initContainers, containers, `${p}.initContainers`, volumes));
  errs.push(...oneOf(sp.restartPolicy, `${p}.restartPolicy`, ['Always', 'OnFailure', 'Never']));
  errs.push(...oneOf(sp.dnsPolicy, `${p}.dnsPolicy`, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  errs.push(...validateLabels(sp.nodeSelector, `${p}.nodeSelector`));
  errs.push(...validateDNSConfig(sp.dnsConfig, s(sp.dnsPolicy), `${p}.dnsConfig`));
  if (s(sp.serviceAccountName)) errs.push(...validateNameWith(nameIsDNSSubdomain, s(sp.serviceAccountName), `${p}.serviceAccountName`));
  if (s(sp.nodeName)) errs.push(...validateNameWith(nameIsDNSSubdomain, s(sp.nodeName), `${p}.nodeName`));
  if (sp.activeDeadlineSeconds !== undefined && sp.activeDeadlineSeconds !== null) {
    const v = sp.activeDeadlineSeconds;
    if (typeof v !== 'number' || v < 1 || v > 2147483647) errs.push(fieldErrors.invalid(`${p}.activeDeadlineSeconds`, v, inclusiveRangeError(1, 2147483647)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = s(sp[f]);
    if (v) errs.push(...isDNS1123Label(v).map((m) => fieldErrors.invalid(`${p}.${f}`, v, m)));
  }
  errs.push(...validateTolerations(sp.tolerations, `${p}.tolerations`));
  errs.push(...validateAffinity(sp.affinity, `${p}.affinity`));
  errs.push(...validateTopologySpreadConstraints(sp.topologySpreadConstraints, `${p}.topologySpreadConstraints`));
  errs.push(...validatePodSecurityContext(sp.securityContext, `${p}.securityContext`));
  if (s(sp.priorityClassName)) errs.push(...validateNameWith(nameIsDNSSubdomain, s(sp.priorityClassName), `${p}.priorityClassName`));
  if (sp.preemptionPolicy !== undefined && sp.preemptionPolicy !== null) {
    errs.push(...oneOf(sp.preemptionPolicy, `${p}.preemptionPolicy`, ['Never', 'PreemptLowerPriority']));
  }
  // imagePullSecrets entries with an empty name only earn a warning upstream, not an error.
  (arr(sp.hostAliases) ?? []).forEach((ha, i) => {
    if (!isObj(ha)) return;
    errs.push(...isValidIP(s(ha.ip)).map((m) => fieldErrors.invalid(`${p}.hostAliases[${i}].ip`, s(ha.ip), m)));
  });
  return errs;
}

function validateContainers(list: unknown[], p: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (list.length === 0) errs.push(fieldErrors.required(p));
  const names = new Set<string>();
  list.forEach((c, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(c)) { errs.push(fieldErrors.typeInvalid(ip, c, 'must be an object')); return; }
    errs.push(...validateContainerCommon(c, ip, volumes));
    const name = s(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(`${ip}.name`, name));
    names.add(name);
    errs.push(...validateLifecycle(c.lifecycle, `${ip}.lifecycle`));
    errs.push(...validateProbe(c.livenessProbe, `${ip}.livenessProbe`, 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, `${ip}.readinessProbe`, 'readiness'));
    errs.push(...validateProbe(c.startupProbe, `${ip}.startupProbe`, 'startup'));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(fieldErrors.forbidden(`${ip}.restartPolicy`, 'may not be set for non-init containers'));
  });
  return errs;
}

function validateInitContainers(list: unknown[], containers: unknown[], p: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(containers.map((c) => (isObj(c) ? s(c.name) : '')));
  list.forEach((c, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(c)) { errs.push(fieldErrors.typeInvalid(ip, c, 'must be an object')); return; }
    errs.push(...validateContainerCommon(c, ip, volumes));
    const name = s(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(`${ip}.name`, name));
    names.add(name);
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && c.restartPolicy !== null && !sidecar) {
      errs.push(fieldErrors.notSupported(`${ip}.restartPolicy`, c.restartPolicy, ['Always']));
    }
    if (sidecar) {
      errs.push(...validateLifecycle(c.lifecycle, `${ip}.lifecycle`));
      errs.push(...validateProbe(c.livenessProbe, `${ip}.livenessProbe`, 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, `${ip}.readinessProbe`, 'readiness'));
      errs.push(...validateProbe(c.startupProbe, `${ip}.startupProbe`, 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[f] !== undefined && c[f] !== null) errs.push(fieldErrors.forbidden(`${ip}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

function validateDNSConfig(cfg: unknown, policy: string, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (policy === 'None' && !isObj(cfg)) return [fieldErrors.required(p, 'must provide `dnsConfig` when `dnsPolicy` is None')];
  if (!isObj(cfg)) return errs;
  const ns = arr(cfg.nameservers) ?? [];
  if (policy === 'None' && ns.length === 0) errs.push(fieldErrors.required(`${p}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  if (ns.length > 3) errs.push(fieldErrors.invalid(`${p}.nameservers`, ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...isValidIP(s(n)).map((m) => fieldErrors.invalid(`${p}.nameservers[${i}]`, n, m))));
  const searches = arr(cfg.searches) ?? [];
  if (searches.length > 32) errs.push(fieldErrors.invalid(`${p}.searches`, searches, 'must not have more than 32 search paths'));
  (arr(cfg.options) ?? []).forEach((o, i) => {
    if (isObj(o) && !s(o.name)) errs.push(fieldErrors.required(`${p}.options[${i}]`, 'Option.Name must not be empty'));
  });
  return errs;
}

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tols: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  (arr(tols) ?? []).forEach((t, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(t)) { errs.push(fieldErrors.typeInvalid(ip, t, 'must be an object')); return; }
    const key = s(t.key);
    const op = s(t.operator);
    if (key) errs.push(...validateLabelName(key, `${ip}.key`));
    if (!key && op !== 'Exists') errs.push(fieldErrors.invalid(`${ip}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(`${ip}.effect`, s(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(s(t.value));
      if (msgs.length) errs.push(fieldErrors.invalid(`${ip}.operator`, s(t.value), msgs.join(';')));
    } else if (op === 'Exists') {
      if (s(t.value)) errs.push(fieldErrors.invalid(`${ip}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fieldErrors.notSupported(`${ip}.operator`, op, ['Equal', 'Exists']));
    }
    if (s(t.effect) && !taintEffects.includes(s(t.effect))) errs.push(fieldErrors.notSupported(`${ip}.effect`, t.effect, taintEffects));
  });
  return errs;
}
