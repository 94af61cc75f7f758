// Core/v1 kinds other than pods: Services, Endpoints, Nodes, Namespaces, ConfigMaps, Secrets,
// ServiceAccounts, ResourceQuotas, LimitRanges, ComponentStatuses.

import { Quantity } from '../../../api/quantity.js';
import type { KubeObject } from '../../../api/types.js';
import { ageColumn, col, nameColumn } from '../columns.js';
import { age, arr, formatLabels, loadBalancerIngress, name, num, obj, record, spec, status, str, strs } from '../format.js';
import type { Printer } from '../types.js';

function externalIP(svc: KubeObject): string {
  const s = spec(svc);
  const externalIPs = strs(s.externalIPs);
  switch (str(s.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(obj(status(svc).loadBalancer));
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(s.externalName);
    default:
      return '<unknown>';
  }
}

function servicePorts(svc: KubeObject): string {
  const s = arr(spec(svc).ports).map((p) => {
    const protocol = str(p.protocol) || 'TCP';
    return num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${protocol}` : `${num(p.port)}/${protocol}`;
  }).join(',');
  return s || '<none>';
}

export const servicePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'The virtual IP of the service inside the cluster.'),
    col('External-IP', 'string', 'Addresses the service is reachable on from outside the cluster.'),
    col('Port(s)', 'string', 'The ports the service exposes.'),
    ageColumn(),
    col('Selector', 'string', 'The labels of the pods traffic is routed to.', 1),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const clusterIPs = strs(s.clusterIPs);
    const clusterIP = clusterIPs[0] ?? (str(s.clusterIP) || '<none>');
    return { cells: [name(o), str(s.type), clusterIP, externalIP(o), servicePorts(o), age(o, ctx), formatLabels(s.selector)] };
  },
};

/** host:port pairs of the first three addresses, then "+ N more..." (formatEndpoints). */
function formatEndpoints(ep: KubeObject): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  const push = (s: string) => {
    if (list.length === max) more = true;
    else list.push(s);
  };
  for (const ss of subsets) {
    const addresses = arr(ss.addresses);
    const ports = arr(ss.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        push(str(a.ip));
        if (more) break;
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        const ip = str(a.ip);
        push(`${ip.includes(':') ? `[${ip}]` : ip}:${num(p.port)}`);
        if (more) break;
      }
    }
  }
  const s = list.join(',');
  return more ? `${s} + ${count - max} more...` : s;
}

export const endpointsPrinter: Printer = {
  columns: [nameColumn(), col('Endpoints', 'string', 'Addresses and ports backing the service.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), formatEndpoints(o), age(o, ctx)] }),
};

const labelNodeRolePrefix = 'node-role.kubernetes.io/';
const nodeLabelRole = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role=<role>`. */
function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(labelNodeRolePrefix)) {
      const role = k.slice(labelNodeRolePrefix.length);
      if (role) roles.add(role);
    } else if (k === nodeLabelRole && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function nodeAddress(node: KubeObject, type: string): string {
  return str(arr(status(node).addresses).find((a) => a.type === type)?.address) || '<none>';
}

export const nodePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    col('Version', 'string', 'The kubelet version the node reports.'),
    col('Internal-IP', 'string', 'The first internal address of the node.', 1),
    col('External-IP', 'string', 'The first external address of the node.', 1),
    col('OS-Image', 'string', 'The operating system image the node reports.', 1),
    col('Kernel-Version', 'string', 'The kernel version the node reports.', 1),
    col('Container-Runtime', 'string', 'The container runtime and version the node reports.', 1),
  ],
  print: (o, ctx) => {
    const st = status(o);
    const info = obj(st.nodeInfo);
    const ready = arr(st.conditions).filter((c) => c.type === 'Ready').pop();
    const parts = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
    if (spec(o).unschedulable === true) parts.push('SchedulingDisabled');
    const roles = nodeRoles(o).join(',') || '<none>';
    return {
      cells: [
        name(o), parts.join(','), roles, age(o, ctx), str(info.kubeletVersion),
        nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'),
        str(info.osImage) || '<unknown>', str(info.kernelVersion) || '<unknown>', str(info.containerRuntimeVersion) || '<unknown>',
      ],
    };
  },
};

export const namespacePrinter: Printer = {
  columns: [nameColumn(), col('Status', 'string', 'The status of the namespace'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), str(status(o).phase), age(o, ctx)] }),
};

export const configMapPrinter: Printer = {
  columns: [nameColumn(), col('Data', 'string', 'Number of keys in data and binaryData.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length, age(o, ctx)] }),
};

export const secretPrinter: Printer = {
  columns: [nameColumn(), col('Type', 'string', 'The secret type.'), col('Data', 'string', 'Number of keys in data.'), ageColumn()],
  print: (o, ctx) => {
    // stringData is folded into data on write; count it too in case an object reaches us unmerged.
    const keys = new Set([...Object.keys(obj(o.data)), ...Object.keys(obj(o.stringData))]);
    return { cells: [name(o), str(o.type) || 'Opaque', keys.size, age(o, ctx)] };
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn(), col('Secrets', 'string', 'Number of secrets listed on the service account.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), arr(o.secrets).length, age(o, ctx)] }),
};

function quantityString(v: unknown): string {
  const q = typeof v === 'string' || typeof v === 'number' ? Quantity.tryParse(v) : undefined;
  return q ? q.toString() : '0';
}

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Request', 'string', 'Used and hard quota for requests and object counts.'),
    col('Limit', 'string', 'Used and hard quota for limits.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const hard = record(status(o).hard);
    const used = record(status(o).used);
    const requests: string[] = [];
    const limits: string[] = [];
    for (const r of Object.keys(hard).sort()) {
      const entry = `${r}: ${quantityString(used[r])}/${quantityString(hard[r])}`;
      const pieces = r.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(entry);
    }
    return { cells: [name(o), requests.join(', '), limits.join(', '), age(o, ctx)] };
  },
};

export const limitRangePrinter: Printer = {
  columns: [nameColumn(), col('Created At', 'date', 'When the object was created, in RFC3339 form and UTC.')],
  print: (o) => ({ cells: [name(o), createdAt(o)] }),
};

/** RFC3339 in UTC without fractional seconds, as Go's time.RFC3339 prints. */
export function createdAt(o: KubeObject): string {
  const t = Date.parse(o.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? '0001-01-01T00:00:00Z' : new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const componentStatusPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Status of the component conditions'),
    col('Message', 'string', 'Message of the component conditions'),
    col('Error', 'string', 'Error of the component conditions'),
  ],
  print: (o) => {
    const healthy = arr(o.conditions).find((c) => c.type === 'Healthy');
    const st = !healthy ? 'Unknown' : healthy.status === 'True' ? 'Healthy' : 'Unhealthy';
    return { cells: [name(o), st, str(healthy?.message), str(healthy?.error)] };
  },
};
