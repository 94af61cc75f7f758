// Pod and pod template defaults (upstream's SetDefaults_PodSpec, _Container, _Probe, _Volume …
// in pkg/apis/core/v1/defaults.go), plus the Pod-only ones (SetDefaults_Pod).
import { canonicalizePodSpecQuantities } from './quantities.js';
import { child, existing, isObj, items, setIfEmpty, setIfUnset, type J } from './util.js';

/** The tag of an image reference, "latest" when it has neither tag nor digest (ParseImageName). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > lastSlash) return withoutDigest.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHTTPGet(handler: J | undefined): void {
  const h = handler ? existing(handler, 'httpGet') : undefined;
  if (!h) return;
  setIfEmpty(h, 'path', '/');
  setIfEmpty(h, 'scheme', 'HTTP');
}

function defaultProbe(c: J, key: string): void {
  const p = existing(c, key);
  if (!p) return;
  setIfEmpty(p, 'timeoutSeconds', 1);
  setIfEmpty(p, 'periodSeconds', 10);
  setIfEmpty(p, 'successThreshold', 1);
  setIfEmpty(p, 'failureThreshold', 3);
  // Zero counts as unset for these int32 fields upstream.
  for (const [f, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[f] === 0) p[f] = v;
  }
  defaultHTTPGet(p);
  const grpc = existing(p, 'grpc');
  if (grpc) setIfUnset(grpc, 'service', '');
}

function defaultFieldRef(ref: J | undefined): void {
  if (ref) setIfEmpty(ref, 'apiVersion', 'v1');
}

function defaultResourceFieldRef(ref: J | undefined): void {
  if (ref) setIfUnset(ref, 'divisor', '0');
}

export function defaultContainer(c: J): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === null || c.imagePullPolicy === '') {
    const image = typeof c.image === 'string' ? c.image : '';
    c.imagePullPolicy = imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setIfEmpty(c, 'terminationMessagePath', '/dev/termination-log');
  setIfEmpty(c, 'terminationMessagePolicy', 'File');
  for (const port of items(c, 'ports')) setIfEmpty(port, 'protocol', 'TCP');
  for (const ev of items(c, 'env')) {
    const vf = existing(ev, 'valueFrom');
    if (!vf) continue;
    defaultFieldRef(existing(vf, 'fieldRef'));
    defaultResourceFieldRef(existing(vf, 'resourceFieldRef'));
  }
  // ResourceRequirements is a struct, not a pointer, upstream: it always serialises.
  setIfUnset(c, 'resources', {});
  defaultProbe(c, 'livenessProbe');
  defaultProbe(c, 'readinessProbe');
  defaultProbe(c, 'startupProbe');
  const lc = existing(c, 'lifecycle');
  if (lc) {
    defaultHTTPGet(existing(lc, 'postStart'));
    defaultHTTPGet(existing(lc, 'preStop'));
  }
}

// 0644, the file mode upstream gives projected files.
const defaultMode = 0o644;

function defaultDownwardItems(src: J): void {
  for (const it of items(src, 'items')) {
    defaultFieldRef(existing(it, 'fieldRef'));
    defaultResourceFieldRef(existing(it, 'resourceFieldRef'));
  }
}

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos',
  'csi', 'ephemeral', 'image',
];

export function defaultVolume(v: J): void {
  // A volume without a source is an emptyDir.
  if (!volumeSources.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = existing(v, k);
    if (src) setIfUnset(src, 'defaultMode', defaultMode);
  }
  const da = existing(v, 'downwardAPI');
  if (da) defaultDownwardItems(da);
  const hp = existing(v, 'hostPath');
  if (hp) setIfUnset(hp, 'type', '');
  const proj = existing(v, 'projected');
  if (proj) {
    for (const s of items(proj, 'sources')) {
      const tok = existing(s, 'serviceAccountToken');
      if (tok) setIfUnset(tok, 'expirationSeconds', 3600);
      const pda = existing(s, 'downwardAPI');
      if (pda) defaultDownwardItems(pda);
    }
  }
  const eph = existing(v, 'ephemeral');
  const tpl = eph ? existing(eph, 'volumeClaimTemplate') : undefined;
  const claimSpec = tpl ? existing(tpl, 'spec') : undefined;
  if (claimSpec) setIfEmpty(claimSpec, 'volumeMode', 'Filesystem');
  const iscsi = existing(v, 'iscsi');
  if (iscsi) setIfEmpty(iscsi, 'iscsiInterface', 'default');
}

/** Defaults every PodSpec gets, in Pods and in templates. */
export function defaultPodSpec(spec: J): void {
  setIfEmpty(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmpty(spec, 'restartPolicy', 'Always');
  setIfUnset(spec, 'securityContext', {});
  setIfUnset(spec, 'terminationGracePeriodSeconds', 30);
  setIfEmpty(spec, 'schedulerName', 'default-scheduler');
  // serviceAccount is the deprecated alias of serviceAccountName; conversion keeps them equal.
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  else if (typeof spec.serviceAccount === 'string' && spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of items(spec, list)) defaultContainer(c);
  for (const v of items(spec, 'volumes')) defaultVolume(v);
  canonicalizePodSpecQuantities(spec);
}

/** A template as embedded in workloads: only PodSpec defaults (never the Pod-only ones). */
export function defaultPodTemplateSpec(tpl: unknown): void {
  if (!isObj(tpl)) return;
  const spec = child(tpl, 'spec');
  if (spec) defaultPodSpec(spec);
}

/** Pod-only defaults (SetDefaults_Pod), then the PodSpec ones. */
export function defaultPod(pod: J): void {
  const spec = child(pod, 'spec');
  if (!spec) return;
  for (const list of ['containers', 'initContainers']) {
    for (const c of items(spec, list)) {
      // Requests default to limits for resources that only have limits.
      const res = existing(c, 'resources');
      const limits = res ? existing(res, 'limits') : undefined;
      if (!res || !limits) continue;
      const requests = child(res, 'requests');
      if (!requests) continue;
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  setIfUnset(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const list of ['containers', 'initContainers']) {
      for (const c of items(spec, list)) {
        for (const port of items(c, 'ports')) if (!port.hostPort) port.hostPort = port.containerPort;
      }
    }
  }
  // priority and preemptionPolicy are not defaults: the Priority admission plugin computes them
  // (src/apiserver/admission) and refuses a pod that arrives with a different priority.
  defaultPodSpec(spec);
}
