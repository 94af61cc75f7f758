// ConfigMaps and Secrets (upstream's ValidateConfigMap / ValidateSecret and their updates).
import { FieldError, fieldErrors } from '../../errors.js';
import { validateImmutable } from '../common.js';
import { isConfigMapKey } from '../names.js';
import type { KindRules } from '../rules.js';
import { isObj, s, semanticEqual, sortedKeys, type J } from '../value.js';

/** Both kinds share upstream's MaxSecretSize of 1 MiB. */
export const maxConfigSize = 1024 * 1024;

function base64Length(v: string): number {
  const clean = v.replace(/=+$/, '');
  return Math.floor((clean.length * 3) / 4);
}

function validateConfigMap(cm: J): FieldError[] {
  const errs: FieldError[] = [];
  const data: J = isObj(cm.data) ? cm.data : {};
  const bin: J = isObj(cm.binaryData) ? cm.binaryData : {};
  if (cm.data !== undefined && cm.data !== null && !isObj(cm.data)) errs.push(fieldErrors.typeInvalid('data', cm.data, 'must be an object'));
  let total = 0;
  for (const k of sortedKeys(data)) {
    errs.push(...isConfigMapKey(k).map((m) => fieldErrors.invalid(`data[${k}]`, k, m)));
    if (k in bin) errs.push(fieldErrors.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(s(data[k]));
  }
  for (const k of sortedKeys(bin)) {
    errs.push(...isConfigMapKey(k).map((m) => fieldErrors.invalid(`binaryData[${k}]`, k, m)));
    if (k in data) errs.push(fieldErrors.invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    total += base64Length(s(bin[k]));
  }
  // Upstream reports the whole object ("" path) when it is too large.
  if (total > maxConfigSize) errs.push(fieldErrors.tooLong('', '', maxConfigSize));
  return errs;
}

/** Once `immutable: true`, data and the flag itself are frozen. */
function validateImmutableData(o: J, old: J, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable !== true) return errs;
  for (const f of fields) {
    if (!semanticEqual(o[f], old[f])) errs.push(fieldErrors.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  if (o.immutable !== true) errs.push(fieldErrors.forbidden('immutable', 'field is immutable when `immutable` is set'));
  return errs;
}

export const configMapRules: KindRules = {
  create: (o) => validateConfigMap(o),
  update: (o, old) => [...validateImmutableData(o, old, ['data', 'binaryData']), ...validateConfigMap(o)],
};

function validateSecret(sec: J): FieldError[] {
  const errs: FieldError[] = [];
  const data: J = isObj(sec.data) ? sec.data : {};
  if (sec.data !== undefined && sec.data !== null && !isObj(sec.data)) errs.push(fieldErrors.typeInvalid('data', sec.data, 'must be an object'));
  let total = 0;
  for (const k of sortedKeys(data)) {
    errs.push(...isConfigMapKey(k).map((m) => fieldErrors.invalid(`data[${k}]`, k, m)));
    const v = data[k];
    if (typeof v === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, ''))) {
      errs.push(fieldErrors.invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
    }
    total += base64Length(s(v).replace(/\s/g, ''));
  }
  if (total > maxConfigSize) errs.push(fieldErrors.tooLong('data', '', maxConfigSize));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const decoded = (k: string) => Buffer.from(s(data[k]), 'base64').toString('utf8');
  const meta: J = isObj(sec.metadata) ? sec.metadata : {};
  switch (s(sec.type)) {
    case 'kubernetes.io/service-account-token': {
      const ann: J = isObj(meta.annotations) ? meta.annotations : {};
      if (!s(ann['kubernetes.io/service-account.name'])) errs.push(fieldErrors.required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    }
    case 'kubernetes.io/dockercfg':
      if (!has('.dockercfg')) errs.push(fieldErrors.required('data[.dockercfg]'));
      else if (!isJson(decoded('.dockercfg'))) errs.push(fieldErrors.invalid('data[.dockercfg]', '<secret contents redacted>', 'invalid character in JSON'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!has('.dockerconfigjson')) errs.push(fieldErrors.required('data[.dockerconfigjson]'));
      else if (!isJson(decoded('.dockerconfigjson'))) errs.push(fieldErrors.invalid('data[.dockerconfigjson]', '<secret contents redacted>', 'invalid character in JSON'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(fieldErrors.required('data[username]'), fieldErrors.required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!s(data['ssh-privatekey'])) errs.push(fieldErrors.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fieldErrors.required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(fieldErrors.required('data[tls.key]'));
      break;
    default:
      break;
  }
  return errs;
}

function isJson(text: string): boolean {
  try { JSON.parse(text); return true; } catch { return false; }
}

export const secretRules: KindRules = {
  create: (o) => validateSecret(o),
  update: (o, old) => [
    ...validateImmutable(s(o.type) || 'Opaque', s(old.type) || 'Opaque', 'type'),
    ...validateImmutableData(o, old, ['data']),
    ...validateSecret(o),
  ],
};
