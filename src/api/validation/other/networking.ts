// NetworkPolicies, Ingresses and IngressClasses (upstream's pkg/apis/networking/validation).
import { FieldError, fieldErrors } from '../../errors.js';
import { validateLabelSelector, validateNameWith } from '../common.js';
import { isDNS1123Subdomain, isValidCIDR, isValidIP, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain, nameIsDNS1035Label, nameIsDNSSubdomain } from '../names.js';
import type { KindRules } from '../rules.js';
import { arr, isObj, s, type J } from '../value.js';

function validatePolicyPort(port: unknown, p: string): FieldError[] {
  if (!isObj(port)) return [fieldErrors.typeInvalid(p, port, 'must be an object')];
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && port.protocol !== null && !['TCP', 'UDP', 'SCTP'].includes(s(port.protocol))) {
    errs.push(fieldErrors.notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  }
  const v = port.port;
  if (typeof v === 'number') {
    errs.push(...isValidPortNum(v).map((m) => fieldErrors.invalid(`${p}.port`, v, m)));
    if (typeof port.endPort === 'number') {
      if (port.endPort < v) errs.push(fieldErrors.invalid(`${p}.endPort`, port.endPort, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(port.endPort).map((m) => fieldErrors.invalid(`${p}.endPort`, port.endPort, m)));
    }
  } else if (typeof v === 'string') {
    errs.push(...isValidPortName(v).map((m) => fieldErrors.invalid(`${p}.port`, v, m)));
    if (port.endPort !== undefined && port.endPort !== null) errs.push(fieldErrors.invalid(`${p}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric'));
  } else if (port.endPort !== undefined && port.endPort !== null) {
    errs.push(fieldErrors.required(`${p}.port`, 'when endPort is specified'));
  }
  return errs;
}

function validatePeer(peer: unknown, p: string): FieldError[] {
  if (!isObj(peer)) return [fieldErrors.typeInvalid(p, peer, 'must be an object')];
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector !== undefined && peer.podSelector !== null) { n++; errs.push(...validateLabelSelector(peer.podSelector, `${p}.podSelector`)); }
  if (peer.namespaceSelector !== undefined && peer.namespaceSelector !== null) { n++; errs.push(...validateLabelSelector(peer.namespaceSelector, `${p}.namespaceSelector`)); }
  if (isObj(peer.ipBlock)) {
    if (n > 0) errs.push(fieldErrors.forbidden(p, 'may not specify both ipBlock and another peer'));
    n++;
    const cidr = s(peer.ipBlock.cidr);
    if (!cidr) errs.push(fieldErrors.required(`${p}.ipBlock.cidr`));
    else errs.push(...isValidCIDR(cidr).map((m) => fieldErrors.invalid(`${p}.ipBlock.cidr`, cidr, m)));
    (arr(peer.ipBlock.except) ?? []).forEach((e, i) => errs.push(...isValidCIDR(s(e)).map((m) => fieldErrors.invalid(`${p}.ipBlock.except[${i}]`, s(e), m))));
  }
  if (n === 0) errs.push(fieldErrors.required(p, 'must specify a peer'));
  return errs;
}

function validateNetworkPolicy(o: J): FieldError[] {
  const spec: J = isObj(o.spec) ? o.spec : {};
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    (arr(spec[dir]) ?? []).forEach((rule, i) => {
      if (!isObj(rule)) return;
      (arr(rule.ports) ?? []).forEach((port, j) => errs.push(...validatePolicyPort(port, `spec.${dir}[${i}].ports[${j}]`)));
      (arr(rule[peers]) ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, `spec.${dir}[${i}].${peers}[${j}]`)));
    });
  }
  const types = arr(spec.policyTypes) ?? [];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(fieldErrors.notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  if (types.length > 2) errs.push(fieldErrors.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return errs;
}

export const networkPolicyRules: KindRules = { create: validateNetworkPolicy };

function validateBackend(backend: unknown, p: string): FieldError[] {
  // The backend is a struct upstream: absent reads as empty.
  const b = backend === undefined || backend === null ? {} : backend;
  if (!isObj(b)) return [fieldErrors.typeInvalid(p, b, 'must be an object')];
  const hasSvc = isObj(b.service);
  const hasRes = isObj(b.resource);
  if (hasSvc && hasRes) return [fieldErrors.invalid(p, '', 'cannot set both resource and service backends')];
  const errs: FieldError[] = [];
  if (hasRes) {
    const r = b.resource as J;
    if (!s(r.kind)) errs.push(fieldErrors.required(`${p}.resource.kind`));
    if (!s(r.name)) errs.push(fieldErrors.required(`${p}.resource.name`));
  } else if (hasSvc) {
    const svc = b.service as J;
    const name = s(svc.name);
    if (!name) errs.push(fieldErrors.required(`${p}.service.name`));
    else errs.push(...validateNameWith(nameIsDNS1035Label, name, `${p}.service.name`));
    const port: J = isObj(svc.port) ? svc.port : {};
    const hasName = s(port.name) !== '';
    const hasNum = typeof port.number === 'number' && port.number !== 0;
    if (hasName && hasNum) errs.push(fieldErrors.invalid(`${p}.service.port`, '', 'cannot set both port name & port number'));
    else if (hasName) errs.push(...isValidPortName(s(port.name)).map((m) => fieldErrors.invalid(`${p}.service.port.name`, s(port.name), m)));
    else if (hasNum) errs.push(...isValidPortNum(port.number as number).map((m) => fieldErrors.invalid(`${p}.service.port.number`, port.number, m)));
    else errs.push(fieldErrors.required(`${p}.service.port`, 'port name or number is required'));
  } else {
    errs.push(fieldErrors.invalid(p, '', 'resource or service backend is required'));
  }
  return errs;
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

function validateHTTPPath(path: unknown, p: string): FieldError[] {
  if (!isObj(path)) return [fieldErrors.typeInvalid(p, path, 'must be an object')];
  const errs: FieldError[] = [];
  const pt = s(path.pathType);
  const value = s(path.path);
  if (!pt) errs.push(fieldErrors.required(`${p}.pathType`, 'pathType must be specified'));
  else if (!pathTypes.includes(pt)) errs.push(fieldErrors.notSupported(`${p}.pathType`, pt, pathTypes));
  if (pt === 'Exact' || pt === 'Prefix') {
    if (!value.startsWith('/')) errs.push(fieldErrors.invalid(`${p}.path`, value, 'must be an absolute path'));
    for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(fieldErrors.invalid(`${p}.path`, value, `must not contain '${seq}'`));
    for (const suf of invalidPathSuffixes) if (value.endsWith(suf)) errs.push(fieldErrors.invalid(`${p}.path`, value, `cannot end with '${suf}'`));
  } else if (pt === 'ImplementationSpecific' && value && !value.startsWith('/')) {
    errs.push(fieldErrors.invalid(`${p}.path`, value, 'must be an absolute path'));
  }
  errs.push(...validateBackend(path.backend, `${p}.backend`));
  return errs;
}

function validateHost(host: string, p: string): FieldError[] {
  if (isValidIP(host).length === 0) return [fieldErrors.invalid(p, host, 'must be a DNS name, not an IP address')];
  const msgs = host.startsWith('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return msgs.map((m) => fieldErrors.invalid(p, host, m));
}

function validateIngress(o: J): FieldError[] {
  const spec: J = isObj(o.spec) ? o.spec : {};
  const errs: FieldError[] = [];
  const rules = arr(spec.rules) ?? [];
  if (rules.length === 0 && !isObj(spec.defaultBackend)) errs.push(fieldErrors.invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (isObj(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    const p = `spec.rules[${i}]`;
    if (!isObj(r)) return;
    if (s(r.host)) errs.push(...validateHost(s(r.host), `${p}.host`));
    if (r.http !== undefined && r.http !== null) {
      const paths = isObj(r.http) ? arr(r.http.paths) ?? [] : [];
      if (paths.length === 0) errs.push(fieldErrors.required(`${p}.http.paths`));
      paths.forEach((path, j) => errs.push(...validateHTTPPath(path, `${p}.http.paths[${j}]`)));
    }
  });
  (arr(spec.tls) ?? []).forEach((t, i) => {
    if (!isObj(t)) return;
    (arr(t.hosts) ?? []).forEach((h, j) => {
      const host = s(h);
      const msgs = host.startsWith('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...msgs.map((m) => fieldErrors.invalid(`spec.tls[${i}].hosts[${j}]`, host, m)));
    });
  });
  if (s(spec.ingressClassName)) errs.push(...validateNameWith(nameIsDNSSubdomain, s(spec.ingressClassName), 'spec.ingressClassName'));
  return errs;
}

export const ingressRules: KindRules = { create: validateIngress };

export const ingressClassRules: KindRules = {
  create(o) {
    const spec: J = isObj(o.spec) ? o.spec : {};
    const errs: FieldError[] = [];
    const ctl = s(spec.controller);
    if (!ctl) errs.push(fieldErrors.required('spec.controller'));
    else if (ctl.length > 250) errs.push(fieldErrors.tooLong('spec.controller', '', 250));
    return errs;
  },
  update(o, old) {
    const errs = this.create!(o, { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', namespaced: false });
    const a = isObj(o.spec) ? s(o.spec.controller) : '';
    const b = isObj(old.spec) ? s(old.spec.controller) : '';
    if (a !== b) errs.push(fieldErrors.invalid('spec.controller', a, 'field is immutable'));
    return errs;
  },
};
