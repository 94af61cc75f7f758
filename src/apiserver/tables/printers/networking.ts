// networking.k8s.io and discovery.k8s.io: Ingresses, IngressClasses, NetworkPolicies,
// EndpointSlices, ServiceCIDRs, IPAddresses.

import { ageColumn, col, nameColumn } from '../columns.js';
import { age, arr, formatLabelSelector, listWithMore, loadBalancerIngress, name, num, obj, spec, status, str, strs } from '../format.js';
import type { Printer } from '../types.js';

/** The first three hosts, "*" when no rule names one. */
function formatHosts(rules: ReturnType<typeof arr>): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    if (!more && str(r.host)) list.push(str(r.host));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Class', 'string', 'The IngressClass handling this ingress.'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against.'),
    col('Address', 'string', 'Addresses of the load balancer serving the ingress.'),
    col('Ports', 'string', 'Ports the ingress listens on.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    return {
      cells: [
        name(o), str(s.ingressClassName) || '<none>', formatHosts(arr(s.rules)), loadBalancerIngress(obj(status(o).loadBalancer)),
        arr(s.tls).length > 0 ? '80, 443' : '80', age(o, ctx),
      ],
    };
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Controller', 'string', 'The controller that implements this class.'),
    col('Parameters', 'string', 'A reference to the resource holding extra parameters.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    let parameters = '<none>';
    if (s.parameters) {
      const p = obj(s.parameters);
      parameters = `${str(p.kind)}${str(p.apiGroup) ? `.${str(p.apiGroup)}` : ''}/${str(p.name)}`;
    }
    return { cells: [name(o), str(s.controller), parameters, age(o, ctx)] };
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [nameColumn(), col('Pod-Selector', 'string', 'The pods the policy applies to.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), formatLabelSelector(spec(o).podSelector ?? {}), age(o, ctx)] }),
};

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn(),
    col('AddressType', 'string', 'IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'The ports of the slice.'),
    col('Endpoints', 'string', 'The addresses in the slice.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const ports = arr(o.ports);
    const portList = ports.map((p) => (typeof p.port === 'number' ? String(num(p.port)) : typeof p.name === 'string' ? str(p.name) : '*'));
    const addresses = arr(o.endpoints).flatMap((e) => strs(e.addresses));
    return {
      cells: [
        name(o), str(o.addressType), listWithMore(portList, ports.length, 3, '<unset>'),
        listWithMore(addresses, addresses.length, 3, '<unset>'), age(o, ctx),
      ],
    };
  },
};

export const serviceCIDRPrinter: Printer = {
  columns: [nameColumn(), col('CIDRs', 'string', 'The CIDRs service IPs are allocated from.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), strs(spec(o).cidrs).join(','), age(o, ctx)] }),
};

export const ipAddressPrinter: Printer = {
  columns: [nameColumn(), col('ParentRef', 'string', 'The object the address is allocated to.')],
  print: (o) => {
    const ref = spec(o).parentRef ? obj(spec(o).parentRef) : undefined;
    let parent = '<none>';
    if (ref) {
      const gr = str(ref.group) ? `${str(ref.resource)}.${str(ref.group)}` : str(ref.resource);
      parent = `${gr.toLowerCase()}${str(ref.namespace) ? `/${str(ref.namespace)}` : ''}/${str(ref.name)}`;
    }
    return { cells: [name(o), parent] };
  },
};
