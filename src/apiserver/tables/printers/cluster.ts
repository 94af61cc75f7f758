// Cluster and policy kinds: RBAC bindings, HPAs, PDBs, CSRs, Leases, PriorityClasses,
// RuntimeClasses, admission webhooks and policies.

import { humanDuration } from '../../../api/duration.js';
import { Quantity } from '../../../api/quantity.js';
import type { KubeObject } from '../../../api/types.js';
import { ageColumn, col, nameColumn } from '../columns.js';
import { age, arr, intOrString, name, num, obj, spec, status, str, type Obj } from '../format.js';
import type { Printer } from '../types.js';

function subjects(o: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(o.subjects)) {
    if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
    else if (s.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}/${str(s.name)}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(what: string): Printer {
  return {
    columns: [
      nameColumn(),
      col('Role', 'string', 'The role the binding grants.'),
      ageColumn(),
      col('Users', 'string', `Users in the ${what}`, 1),
      col('Groups', 'string', `Groups in the ${what}`, 1),
      col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
    ],
    print: (o, ctx) => {
      const ref = obj(o.roleRef);
      return { cells: [name(o), `${str(ref.kind)}/${str(ref.name)}`, age(o, ctx), ...subjects(o)] };
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');

const q = (v: unknown): string => {
  const x = typeof v === 'string' || typeof v === 'number' ? Quantity.tryParse(v) : undefined;
  return x ? x.toString() : '0';
};

/** One HPA metric as "current/target" (formatHPAMetrics). */
function formatMetric(m: Obj, s: Obj | undefined): string {
  const type = str(m.type);
  const unknown = '<unknown>';
  switch (type) {
    case 'External':
    case 'Object': {
      const key = type === 'External' ? 'external' : 'object';
      const target = obj(obj(m[key]).target);
      const cur = s?.[key] ? obj(obj(s[key]).current) : undefined;
      if (target.averageValue !== undefined) return `${cur?.averageValue !== undefined ? q(cur.averageValue) : unknown}/${q(target.averageValue)} (avg)`;
      return `${cur ? q(cur.value) : unknown}/${q(target.value)}`;
    }
    case 'Pods': {
      const target = obj(obj(m.pods).target);
      const cur = s?.pods ? obj(obj(s.pods).current) : undefined;
      return `${cur ? q(cur.averageValue) : unknown}/${q(target.averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const src = obj(m[key]);
      const target = obj(src.target);
      const cur = s?.[key] ? obj(obj(s[key]).current) : undefined;
      if (target.averageValue !== undefined) return `${str(src.name)}: ${cur ? q(cur.averageValue) : unknown}/${q(target.averageValue)}`;
      const current = cur && typeof cur.averageUtilization === 'number' ? `${cur.averageUtilization}%` : unknown;
      const tgt = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
      return `${str(src.name)}: ${current}/${tgt}`;
    }
    default:
      return '<unknown type>';
  }
}

/** autoscaling/v1 objects carry a single CPU target; view them as a v2 resource metric. */
function hpaMetrics(o: KubeObject): { specs: Obj[]; statuses: Obj[] } {
  const s = spec(o);
  const st = status(o);
  if (Array.isArray(s.metrics) || s.targetCPUUtilizationPercentage === undefined) {
    return { specs: arr(s.metrics), statuses: arr(st.currentMetrics) };
  }
  const specs = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.targetCPUUtilizationPercentage } } }];
  const statuses = typeof st.currentCPUUtilizationPercentage === 'number'
    ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st.currentCPUUtilizationPercentage } } }]
    : [];
  return { specs, statuses };
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Reference', 'string', 'The scaled workload.'),
    col('Targets', 'string', 'Current and target metric values.'),
    col('MinPods', 'string', 'The lower replica limit.'),
    col('MaxPods', 'string', 'The upper replica limit.'),
    col('Replicas', 'string', 'The current number of replicas.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const ref = obj(s.scaleTargetRef);
    const { specs, statuses } = hpaMetrics(o);
    let targets = '<none>';
    if (specs.length > 0) {
      const list = specs.map((m, i) => formatMetric(m, statuses[i]));
      targets = list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
    }
    return {
      cells: [
        name(o), `${str(ref.kind)}/${str(ref.name)}`, targets, typeof s.minReplicas === 'number' ? String(s.minReplicas) : '<unset>',
        num(s.maxReplicas), num(status(o).currentReplicas), age(o, ctx),
      ],
    };
  },
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    return {
      cells: [
        name(o), s.minAvailable === undefined ? 'N/A' : intOrString(s.minAvailable), s.maxUnavailable === undefined ? 'N/A' : intOrString(s.maxUnavailable),
        num(status(o).disruptionsAllowed), age(o, ctx),
      ],
    };
  },
};

function csrCondition(o: KubeObject): string {
  const types = new Set(arr(status(o).conditions).map((c) => str(c.type)));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (str(status(o).certificate)) s += ',Issued';
  return s;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    nameColumn(), ageColumn(),
    col('SignerName', 'string', 'The signer asked to sign the request.'),
    col('Requestor', 'string', 'The user who created the request.'),
    col('RequestedDuration', 'string', 'The validity the requester asked for.'),
    col('Condition', 'string', 'Approved, Denied or Pending, plus Failed and Issued.'),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const duration = typeof s.expirationSeconds === 'number' ? humanDuration(s.expirationSeconds * 1000) : '<none>';
    return { cells: [name(o), age(o, ctx), str(s.signerName) || '<none>', str(s.username), duration, csrCondition(o)] };
  },
};

export const leasePrinter: Printer = {
  columns: [nameColumn(), col('Holder', 'string', 'The identity holding the lease.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), str(spec(o).holderIdentity), age(o, ctx)] }),
};

export const priorityClassPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Value', 'integer', 'The priority of pods using this class.'),
    col('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    ageColumn(),
    col('PreemptionPolicy', 'string', 'Whether pods of this class may preempt others.'),
  ],
  print: (o, ctx) => ({ cells: [name(o), num(o.value), o.globalDefault === true, age(o, ctx), str(o.preemptionPolicy)] }),
};

export const runtimeClassPrinter: Printer = {
  columns: [nameColumn(), col('Handler', 'string', 'The runtime handler the class selects.'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), str(o.handler), age(o, ctx)] }),
};

export const webhookConfigurationPrinter: Printer = {
  columns: [nameColumn(), col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), ageColumn()],
  print: (o, ctx) => ({ cells: [name(o), arr(o.webhooks).length, age(o, ctx)] }),
};

export const validatingAdmissionPolicyPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Validations', 'integer', 'Number of validations in the policy.'),
    col('ParamKind', 'string', 'The kind of the parameter resource.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    const pk = s.paramKind ? obj(s.paramKind) : undefined;
    return { cells: [name(o), arr(s.validations).length, pk ? `${str(pk.apiVersion)}/${str(pk.kind)}` : '<unset>', age(o, ctx)] };
  },
};

export const validatingAdmissionPolicyBindingPrinter: Printer = {
  columns: [
    nameColumn(),
    col('PolicyName', 'string', 'The policy this binding applies.'),
    col('ParamRef', 'string', 'The parameter resource of the binding.'),
    ageColumn(),
  ],
  print: (o, ctx) => {
    const s = spec(o);
    let paramRef = '<unset>';
    if (s.paramRef) {
      const p = obj(s.paramRef);
      const target = str(p.name) || (p.selector ? `*[${formatSelectorBrief(p.selector)}]` : '*');
      paramRef = str(p.namespace) ? `${str(p.namespace)}/${target}` : target;
    }
    return { cells: [name(o), str(s.policyName), paramRef, age(o, ctx)] };
  },
};

function formatSelectorBrief(sel: unknown): string {
  const labels = obj(obj(sel).matchLabels);
  return Object.keys(labels).sort().map((k) => `${k}=${str(labels[k])}`).join(',');
}
