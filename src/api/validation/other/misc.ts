// Small kinds: Leases, PriorityClasses, StorageClasses, EndpointSlices, RuntimeClasses.
import { FieldError, fieldErrors } from '../../errors.js';
import { oneOf, validateImmutable, validatePositive, validateNonnegative } from '../common.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum } from '../names.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, semanticEqual, type J } from '../value.js';

export const leaseRules: KindRules = {
  create(o) {
    const spec: J = isObj(o.spec) ? o.spec : {};
    const errs = validatePositive(spec.leaseDurationSeconds, 'spec.leaseDurationSeconds');
    errs.push(...validateNonnegative(spec.leaseTransitions, 'spec.leaseTransitions'));
    if (spec.strategy !== undefined && spec.strategy !== null) errs.push(...oneOf(spec.strategy, 'spec.strategy', ['OldestEmulationVersion']));
    return errs;
  },
};

// The two classes the server creates; other "system-" names are reserved.
const systemPriorityClasses: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
const highestUserPriority = 1000000000;

export const priorityClassRules: KindRules = {
  create(o) {
    const errs: FieldError[] = [];
    const name = isObj(o.metadata) ? s(o.metadata.name) : '';
    const value = o.value;
    if (name.startsWith('system-')) {
      const expected = systemPriorityClasses[name];
      if (expected === undefined) {
        errs.push(fieldErrors.forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: priority class ${name} is not known`));
      } else if (value !== expected) {
        errs.push(fieldErrors.forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: value of ${name} PriorityClass must be ${expected}`));
      }
    } else if (typeof value === 'number' && value > highestUserPriority) {
      errs.push(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${highestUserPriority}`));
    }
    if (o.preemptionPolicy !== undefined && o.preemptionPolicy !== null) errs.push(...oneOf(o.preemptionPolicy, 'preemptionPolicy', ['Never', 'PreemptLowerPriority']));
    return errs;
  },
  update(o, old) {
    const errs: FieldError[] = [];
    if (o.value !== old.value) errs.push(fieldErrors.forbidden('value', 'may not be changed in an update.'));
    errs.push(...validateImmutable(o.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
    return errs;
  },
};

function validateStorageClass(o: J): FieldError[] {
  const errs: FieldError[] = [];
  const prov = s(o.provisioner);
  if (!prov) errs.push(fieldErrors.required('provisioner'));
  else errs.push(...isQualifiedName(prov.toLowerCase()).map((m) => fieldErrors.invalid('provisioner', prov, m)));
  if (isObj(o.parameters)) {
    if (Object.keys(o.parameters).length > 512) errs.push(fieldErrors.tooMany('parameters', Object.keys(o.parameters).length, 512));
  }
  if (o.reclaimPolicy !== undefined && o.reclaimPolicy !== null && !['Delete', 'Retain'].includes(s(o.reclaimPolicy))) {
    errs.push(fieldErrors.notSupported('reclaimPolicy', o.reclaimPolicy, ['Delete', 'Retain']));
  }
  if (o.volumeBindingMode !== undefined && o.volumeBindingMode !== null && !['Immediate', 'WaitForFirstConsumer'].includes(s(o.volumeBindingMode))) {
    errs.push(fieldErrors.notSupported('volumeBindingMode', o.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  }
  return errs;
}

export const storageClassRules: KindRules = {
  create: validateStorageClass,
  update(o, old) {
    const errs = validateStorageClass(o);
    if (!semanticEqual(o.parameters, old.parameters)) errs.push(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'));
    if (s(o.provisioner) !== s(old.provisioner)) errs.push(fieldErrors.forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (!semanticEqual(o.reclaimPolicy, old.reclaimPolicy)) errs.push(fieldErrors.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    errs.push(...validateImmutable(o.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
    return errs;
  },
};

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

function validateEndpointSlice(o: J): FieldError[] {
  const errs: FieldError[] = [];
  const at = s(o.addressType);
  if (!at) errs.push(fieldErrors.required('addressType'));
  else if (!addressTypes.includes(at)) errs.push(fieldErrors.notSupported('addressType', at, addressTypes));
  const endpoints = arr(o.endpoints) ?? [];
  if (endpoints.length > 1000) errs.push(fieldErrors.tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    if (!isObj(ep)) { errs.push(fieldErrors.typeInvalid(p, ep, 'must be an object')); return; }
    const addrs = arr(ep.addresses) ?? [];
    if (addrs.length === 0) errs.push(fieldErrors.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(fieldErrors.tooMany(`${p}.addresses`, addrs.length, 100));
    addrs.forEach((a, j) => {
      const v = s(a);
      const ap = `${p}.addresses[${j}]`;
      if (at === 'IPv4') {
        if (isValidIP(v).length || v.includes(':')) errs.push(fieldErrors.invalid(ap, v, 'must be a valid IPv4 address'));
      } else if (at === 'IPv6') {
        if (isValidIP(v).length || !v.includes(':')) errs.push(fieldErrors.invalid(ap, v, 'must be a valid IPv6 address'));
      } else if (at === 'FQDN') {
        errs.push(...isDNS1123Subdomain(v).map((m) => fieldErrors.invalid(ap, v, m)));
      }
    });
    if (s(ep.hostname)) errs.push(...isDNS1123Label(s(ep.hostname)).map((m) => fieldErrors.invalid(`${p}.hostname`, s(ep.hostname), m)));
  });
  const ports = arr(o.ports) ?? [];
  if (ports.length > 20000) errs.push(fieldErrors.tooMany('ports', ports.length, 20000));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    if (!isObj(port)) return;
    const name = s(port.name);
    if (name) errs.push(...isDNS1123Label(name).map((m) => fieldErrors.invalid(`${p}.name`, name, m)));
    if (names.has(name)) errs.push(fieldErrors.duplicate(`${p}.name`, name));
    names.add(name);
    if (port.protocol === undefined || port.protocol === null) errs.push(fieldErrors.required(`${p}.protocol`));
    else errs.push(...oneOf(port.protocol, `${p}.protocol`, ['SCTP', 'TCP', 'UDP']));
    if (typeof port.port === 'number') errs.push(...isValidPortNum(port.port).map((m) => fieldErrors.invalid(`${p}.port`, port.port, m)));
  });
  return errs;
}

export const endpointSliceRules: KindRules = {
  create: validateEndpointSlice,
  update: (o, old) => [...validateEndpointSlice(o), ...validateImmutable(o.addressType, old.addressType, 'addressType')],
};

export const runtimeClassRules: KindRules = {
  create(o) {
    const h = s(o.handler);
    if (!h) return [fieldErrors.required('handler')];
    return isDNS1123Label(h).map((m) => fieldErrors.invalid('handler', h, m));
  },
  update: (o, old) => validateImmutable(o.handler, old.handler, 'handler'),
};
