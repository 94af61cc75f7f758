// Namespaces, Nodes, ServiceAccounts, Events and Endpoints: the essentials of each.
import { FieldError, fieldErrors } from '../../errors.js';
import { oneOf, validateLabelName } from '../common.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidIP, isValidLabelValue, isValidPortNum, nameIsDNSLabel } from '../names.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, type J } from '../value.js';
import { supportedProtocols } from './container.js';
import { taintEffects } from './pod-spec.js';

// Finalizer names a namespace spec may hold without a domain prefix.
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateNamespaceFinalizers(o: J, p: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of arr(isObj(o.spec) ? o.spec.finalizers : undefined) ?? []) {
    const v = s(f);
    const msgs = isQualifiedName(v);
    if (msgs.length) { errs.push(...msgs.map((m) => fieldErrors.invalid(p, v, m))); continue; }
    if (!v.includes('/') && !standardFinalizers.has(v)) errs.push(fieldErrors.invalid(p, v, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

export const namespaceRules: KindRules = {
  name: nameIsDNSLabel,
  create: (o) => validateNamespaceFinalizers(o, 'spec.finalizers'),
  update: (o) => validateNamespaceFinalizers(o, 'spec.finalizers'),
  status(o) {
    const phase = isObj(o.status) ? o.status.phase : undefined;
    if (phase === undefined || phase === null || phase === '') return [];
    return oneOf(phase, 'status.phase', ['Active', 'Terminating']);
  },
};

function validateTaints(taints: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (arr(taints) ?? []).forEach((t, i) => {
    const ip = `${p}[${i}]`;
    if (!isObj(t)) { errs.push(fieldErrors.typeInvalid(ip, t, 'must be an object')); return; }
    errs.push(...validateLabelName(s(t.key), `${ip}.key`));
    if (s(t.value)) errs.push(...isValidLabelValue(s(t.value)).map((m) => fieldErrors.invalid(`${ip}.value`, s(t.value), m)));
    if (!s(t.effect)) errs.push(fieldErrors.required(`${ip}.effect`));
    else if (!taintEffects.includes(s(t.effect))) errs.push(fieldErrors.notSupported(`${ip}.effect`, t.effect, taintEffects));
    const key = `${s(t.key)}:${s(t.effect)}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(ip, t));
    seen.add(key);
  });
  return errs;
}

function validateNode(o: J): FieldError[] {
  const errs: FieldError[] = [];
  const spec: J = isObj(o.spec) ? o.spec : {};
  errs.push(...validateTaints(spec.taints, 'spec.taints'));
  if (s(spec.podCIDR)) errs.push(...isValidCIDR(s(spec.podCIDR)).map((m) => fieldErrors.invalid('spec.podCIDR', s(spec.podCIDR), m)));
  (arr(spec.podCIDRs) ?? []).forEach((c, i) => errs.push(...isValidCIDR(s(c)).map((m) => fieldErrors.invalid(`spec.podCIDRs[${i}]`, s(c), m))));
  return errs;
}

export const nodeRules: KindRules = {
  create: validateNode,
  update(o, old) {
    const errs = validateNode(o);
    const spec: J = isObj(o.spec) ? o.spec : {};
    const oldSpec: J = isObj(old.spec) ? old.spec : {};
    // podCIDR is set once (by the allocator) and then fixed.
    if (s(oldSpec.podCIDR) && s(spec.podCIDR) !== s(oldSpec.podCIDR)) errs.push(fieldErrors.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    return errs;
  },
  status(o) {
    const errs: FieldError[] = [];
    const st: J = isObj(o.status) ? o.status : {};
    (arr(st.addresses) ?? []).forEach((a, i) => {
      if (isObj(a) && !s(a.type)) errs.push(fieldErrors.required(`status.addresses[${i}].type`));
    });
    return errs;
  },
};

export const serviceAccountRules: KindRules = {};

function validateEvent(o: J): FieldError[] {
  const errs: FieldError[] = [];
  const meta: J = isObj(o.metadata) ? o.metadata : {};
  const ns = s(meta.namespace);
  const involved: J = isObj(o.involvedObject) ? o.involvedObject : {};
  const ins = s(involved.namespace);
  if (!o.eventTime) {
    // Old-style events: the event lives where its object lives (or in default for cluster objects).
    if (!ins) {
      if (ns && ns !== 'default') errs.push(fieldErrors.invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
    } else if (ns !== ins) {
      errs.push(fieldErrors.invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
    }
  } else {
    if (!ins && ns !== 'default' && ns !== 'kube-system') errs.push(fieldErrors.invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
    if (!s(o.reportingComponent)) errs.push(fieldErrors.required('reportingComponent'));
    else errs.push(...isQualifiedName(s(o.reportingComponent)).map((m) => fieldErrors.invalid('reportingComponent', s(o.reportingComponent), m)));
    if (!s(o.reportingInstance)) errs.push(fieldErrors.required('reportingInstance'));
    else if (s(o.reportingInstance).length > 128) errs.push(fieldErrors.invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!s(o.action)) errs.push(fieldErrors.required('action'));
    else if (s(o.action).length > 128) errs.push(fieldErrors.invalid('action', '', 'can have at most 128 characters'));
    if (!s(o.reason)) errs.push(fieldErrors.required('reason'));
    else if (s(o.reason).length > 128) errs.push(fieldErrors.invalid('reason', '', 'can have at most 128 characters'));
    if (s(o.message).length > 1024) errs.push(fieldErrors.invalid('message', '', 'can have at most 1024 characters'));
  }
  if (ns) errs.push(...isDNS1123Subdomain(ns).map((m) => fieldErrors.invalid('namespace', ns, m)));
  return errs;
}

// core/v1 Events skip object-meta name rules upstream ("for backwards compatibility"): only the
// legacy checks above apply.
export const eventRules: KindRules = { name: () => [], create: validateEvent };

/** events.k8s.io/v1 Events: the newer shape with `regarding` and `note`. */
export const eventsV1Rules: KindRules = {
  create(o) {
    const errs: FieldError[] = [];
    if (!o.eventTime) errs.push(fieldErrors.required('eventTime'));
    if (!s(o.reportingController)) errs.push(fieldErrors.required('reportingController'));
    if (!s(o.reportingInstance)) errs.push(fieldErrors.required('reportingInstance'));
    if (!s(o.action)) errs.push(fieldErrors.required('action'));
    if (!s(o.reason)) errs.push(fieldErrors.required('reason'));
    if (s(o.note).length > 1024) errs.push(fieldErrors.invalid('note', '', 'can have at most 1024 characters'));
    if (o.type !== 'Normal' && o.type !== 'Warning') errs.push(fieldErrors.invalid('type', '', `has invalid value: ${s(o.type)}`));
    return errs;
  },
};

function validateEndpoints(o: J): FieldError[] {
  const errs: FieldError[] = [];
  (arr(o.subsets) ?? []).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    if (!isObj(ss)) return;
    for (const list of ['addresses', 'notReadyAddresses']) {
      (arr(ss[list]) ?? []).forEach((a, j) => {
        const ip = isObj(a) ? s(a.ip) : '';
        errs.push(...isValidIP(ip).map((m) => fieldErrors.invalid(`${p}.${list}[${j}].ip`, ip, m)));
        if (isObj(a) && s(a.hostname)) errs.push(...isDNS1123Label(s(a.hostname)).map((m) => fieldErrors.invalid(`${p}.${list}[${j}].hostname`, s(a.hostname), m)));
      });
    }
    const ports = arr(ss.ports) ?? [];
    ports.forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (!isObj(port)) return;
      if (ports.length > 1 && !s(port.name)) errs.push(fieldErrors.required(`${pp}.name`));
      else if (s(port.name)) errs.push(...isDNS1123Label(s(port.name)).map((m) => fieldErrors.invalid(`${pp}.name`, s(port.name), m)));
      errs.push(...isValidPortNum(port.port as number).map((m) => fieldErrors.invalid(`${pp}.port`, port.port ?? 0, m)));
      errs.push(...oneOf(port.protocol, `${pp}.protocol`, supportedProtocols));
    });
  });
  return errs;
}

export const endpointsRules: KindRules = { create: validateEndpoints };

