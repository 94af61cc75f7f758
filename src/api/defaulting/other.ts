// Defaults of kinds outside core, apps and batch (each group's v1 defaults.go).
import { canonicalizeHPAQuantities, canonicalizeResourceList } from './quantities.js';
import { child, existing, items, setIfEmpty, setIfUnset, type J } from './util.js';

const rbacGroup = 'rbac.authorization.k8s.io';

export function defaultRoleBinding(o: J): void {
  const ref = existing(o, 'roleRef');
  if (ref) setIfEmpty(ref, 'apiGroup', rbacGroup);
  for (const s of items(o, 'subjects')) {
    if (s.apiGroup !== undefined && s.apiGroup !== null && s.apiGroup !== '') continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

export function defaultNetworkPolicy(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  for (const dir of ['ingress', 'egress']) for (const rule of items(spec, dir)) for (const port of items(rule, 'ports')) setIfEmpty(port, 'protocol', 'TCP');
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  // A policy without policyTypes is at least an Ingress policy, and Egress too if it has egress rules.
  if (types.length === 0) {
    spec.policyTypes = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) (spec.policyTypes as string[]).push('Egress');
  }
}

export function defaultHPA(o: J, version: string): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  canonicalizeHPAQuantities(o);
  setIfUnset(spec, 'minReplicas', 1);
  if (version === 'v1') return;
  // Without metrics, an HPA scales on 80% average CPU utilisation.
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = existing(spec, 'behavior');
  if (behavior) {
    const up = child(behavior, 'scaleUp');
    if (up) {
      setIfUnset(up, 'stabilizationWindowSeconds', 0);
      setIfUnset(up, 'selectPolicy', 'Max');
      setIfUnset(up, 'policies', [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]);
    }
    const down = child(behavior, 'scaleDown');
    if (down) {
      setIfUnset(down, 'stabilizationWindowSeconds', 300);
      setIfUnset(down, 'selectPolicy', 'Max');
      setIfUnset(down, 'policies', [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
    }
  }
}

export function defaultPriorityClass(o: J): void {
  setIfUnset(o, 'preemptionPolicy', 'PreemptLowerPriority');
}

export function defaultStorageClass(o: J): void {
  setIfUnset(o, 'reclaimPolicy', 'Delete');
  setIfUnset(o, 'volumeBindingMode', 'Immediate');
}

export function defaultEndpointSlice(o: J): void {
  for (const port of items(o, 'ports')) {
    setIfUnset(port, 'name', '');
    setIfUnset(port, 'protocol', 'TCP');
  }
}

export function defaultCRD(o: J): void {
  const spec = existing(o, 'spec');
  if (!spec) return;
  const names = existing(spec, 'names');
  if (names) {
    const kind = typeof names.kind === 'string' ? names.kind : '';
    setIfEmpty(names, 'singular', kind.toLowerCase());
    if (kind) setIfEmpty(names, 'listKind', `${kind}List`);
  }
  setIfUnset(spec, 'conversion', { strategy: 'None' });
  const conv = existing(spec, 'conversion');
  const svc = conv && conv.webhook && typeof conv.webhook === 'object' ? existing(conv.webhook as J, 'clientConfig') : undefined;
  const ref = svc ? existing(svc, 'service') : undefined;
  if (ref) setIfUnset(ref, 'port', 443);
}

export function defaultRuntimeClass(o: J): void {
  const overhead = existing(o, 'overhead');
  canonicalizeResourceList(overhead, 'podFixed');
}

/** Admission webhook configurations (admissionregistration/v1 SetDefaults_*Webhook, _Rule, _ServiceReference). */
export function defaultWebhookConfiguration(o: J, mutating: boolean): void {
  for (const w of items(o, 'webhooks')) {
    setIfUnset(w, 'failurePolicy', 'Fail');
    setIfUnset(w, 'matchPolicy', 'Equivalent');
    setIfUnset(w, 'namespaceSelector', {});
    setIfUnset(w, 'objectSelector', {});
    setIfUnset(w, 'timeoutSeconds', 10);
    if (mutating) setIfUnset(w, 'reinvocationPolicy', 'Never');
    for (const r of items(w, 'rules')) setIfUnset(r, 'scope', '*');
    const cc = existing(w, 'clientConfig');
    const svc = cc ? existing(cc, 'service') : undefined;
    if (svc) setIfUnset(svc, 'port', 443);
  }
}

export function defaultIngressClass(o: J): void {
  const spec = existing(o, 'spec');
  const params = spec ? existing(spec, 'parameters') : undefined;
  if (params) setIfUnset(params, 'scope', 'Cluster');
}

export function defaultCSIDriver(o: J): void {
  const spec = child(o, 'spec');
  if (!spec) return;
  setIfUnset(spec, 'attachRequired', true);
  setIfUnset(spec, 'podInfoOnMount', false);
  setIfUnset(spec, 'storageCapacity', false);
  setIfUnset(spec, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
  setIfUnset(spec, 'requiresRepublish', false);
  setIfUnset(spec, 'seLinuxMount', false);
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
}
