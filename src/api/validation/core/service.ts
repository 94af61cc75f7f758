// Services (upstream's ValidateService / ValidateServiceUpdate), the essentials.
import { FieldError, fieldErrors } from '../../errors.js';
import { oneOf, validateLabels, validatePortNumOrName } from '../common.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum, nameIsDNS1035Label } from '../names.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, type J } from '../value.js';
import { supportedProtocols } from './container.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function isHeadless(spec: J): boolean {
  return spec.clusterIP === 'None';
}

export function validateServiceSpec(svc: J): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(svc.spec)) return [fieldErrors.required('spec')];
  const spec = svc.spec;
  const type = s(spec.type);
  const ports = arr(spec.ports) ?? [];
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(fieldErrors.required('spec.ports'));
  if (type === 'ExternalName') {
    const clusterIPs = arr(spec.clusterIPs) ?? [];
    if (s(spec.clusterIP)) errs.push(fieldErrors.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
    else if (clusterIPs.length > 0) errs.push(fieldErrors.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    const en = s(spec.externalName).replace(/\.$/, '');
    if (!en) errs.push(fieldErrors.required('spec.externalName'));
    else errs.push(...isDNS1123Subdomain(en).map((m) => fieldErrors.invalid('spec.externalName', s(spec.externalName), m)));
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((port, i) => {
    const p = `spec.ports[${i}]`;
    if (!isObj(port)) { errs.push(fieldErrors.typeInvalid(p, port, 'must be an object')); return; }
    const name = s(port.name);
    if (ports.length > 1 && !name) errs.push(fieldErrors.required(`${p}.name`));
    else if (name) errs.push(...isDNS1123Label(name).map((m) => fieldErrors.invalid(`${p}.name`, name, m)));
    if (name && names.has(name)) errs.push(fieldErrors.duplicate(`${p}.name`, name));
    names.add(name);
    errs.push(...isValidPortNum(port.port as number).map((m) => fieldErrors.invalid(`${p}.port`, port.port ?? 0, m)));
    errs.push(...oneOf(port.protocol, `${p}.protocol`, supportedProtocols));
    if (port.targetPort !== undefined && port.targetPort !== 0 && port.targetPort !== '') errs.push(...validatePortNumOrName(port.targetPort, `${p}.targetPort`));
    if (port.nodePort !== undefined && port.nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') errs.push(fieldErrors.forbidden(`${p}.nodePort`, `may not be used when \`type\` is '${type}'`));
      else errs.push(...isValidPortNum(port.nodePort as number).map((m) => fieldErrors.invalid(`${p}.nodePort`, port.nodePort, m)));
    }
    const key = `${s(port.protocol)}/${String(port.port)}`;
    if (keys.has(key)) errs.push(fieldErrors.duplicate(p, { port: port.port, protocol: s(port.protocol) }));
    keys.add(key);
  });
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...oneOf(spec.sessionAffinity, 'spec.sessionAffinity', ['ClientIP', 'None']));
  errs.push(...oneOf(spec.type, 'spec.type', serviceTypes));
  const cip = s(spec.clusterIP);
  if (cip && cip !== 'None') errs.push(...isValidIP(cip).map((m) => fieldErrors.invalid('spec.clusterIP', cip, m)));
  if (cip === 'None' && (type === 'NodePort' || type === 'LoadBalancer')) {
    errs.push(fieldErrors.invalid('spec.clusterIPs[0]', cip, `may not be set to 'None' for ${type} services`));
  }
  if (s(spec.loadBalancerIP) && type === 'LoadBalancer') {
    errs.push(...isValidIP(s(spec.loadBalancerIP)).map((m) => fieldErrors.invalid('spec.loadBalancerIP', s(spec.loadBalancerIP), m)));
  }
  (arr(spec.clusterIPs) ?? []).forEach((ip, i) => {
    const v = s(ip);
    if (v && v !== 'None') errs.push(...isValidIP(v).map((m) => fieldErrors.invalid(`spec.clusterIPs[${i}]`, v, m)));
  });
  (arr(spec.externalIPs) ?? []).forEach((ip, i) => errs.push(...isValidIP(s(ip)).map((m) => fieldErrors.invalid(`spec.externalIPs[${i}]`, s(ip), m))));
  if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== '') {
    if (type !== 'NodePort' && type !== 'LoadBalancer' && (arr(spec.externalIPs) ?? []).length === 0) {
      errs.push(fieldErrors.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    } else {
      errs.push(...oneOf(spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', ['Cluster', 'Local']));
    }
  }
  if (spec.internalTrafficPolicy !== undefined && spec.internalTrafficPolicy !== null) {
    errs.push(...oneOf(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', ['Cluster', 'Local']));
  }
  if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
    errs.push(...oneOf(spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  (arr(spec.ipFamilies) ?? []).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldErrors.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
  });
  const cfg = isObj(spec.sessionAffinityConfig) && isObj(spec.sessionAffinityConfig.clientIP) ? spec.sessionAffinityConfig.clientIP : undefined;
  if (cfg && typeof cfg.timeoutSeconds === 'number' && (cfg.timeoutSeconds <= 0 || cfg.timeoutSeconds > 86400)) {
    errs.push(fieldErrors.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', cfg.timeoutSeconds, 'must be greater than 0 and less than 86400'));
  }
  return errs;
}

export const serviceRules: KindRules = {
  // Services become DNS names: DNS-1035 labels (RelaxedServiceNameValidation is not on in 1.32).
  name: nameIsDNS1035Label,
  create: (o) => validateServiceSpec(o),
  update(o, old) {
    const errs = validateServiceSpec(o);
    const spec: J = isObj(o.spec) ? o.spec : {};
    const oldSpec: J = isObj(old.spec) ? old.spec : {};
    // A ClusterIP, once allocated, stays, unless the service becomes or stops being ExternalName.
    if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
      const now = s(spec.clusterIP);
      const was = s(oldSpec.clusterIP);
      if (was && now && now !== was) errs.push(fieldErrors.invalid('spec.clusterIPs[0]', now, 'may not change once set'));
    }
    return errs;
  },
  status(o) {
    const errs: FieldError[] = [];
    const lb = isObj(o.status) && isObj(o.status.loadBalancer) ? o.status.loadBalancer : undefined;
    (arr(lb?.ingress) ?? []).forEach((ing, i) => {
      if (isObj(ing) && s(ing.ip)) errs.push(...isValidIP(s(ing.ip)).map((m) => fieldErrors.invalid(`status.loadBalancer.ingress[${i}].ip`, s(ing.ip), m)));
    });
    return errs;
  },
};

