// Probes and lifecycle handlers (upstream's validateProbe / validateHandler).
import { FieldError, fieldErrors } from '../../errors.js';
import { validateNonnegative, validatePortNumOrName } from '../common.js';
import { regexError } from '../names.js';
import { arr, isObj, s, type J } from '../value.js';

const handlerKinds = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] as const;

export function validateHandler(h: J, p: string, allowed: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const k of handlerKinds) {
    if (!allowed.includes(k)) continue;
    const v = h[k];
    if (v === undefined || v === null) continue;
    if (n > 0) { errs.push(fieldErrors.forbidden(`${p}.${k}`, 'may not specify more than 1 handler type')); continue; }
    n++;
    if (!isObj(v)) { errs.push(fieldErrors.typeInvalid(`${p}.${k}`, v, 'must be an object')); continue; }
    const kp = `${p}.${k}`;
    switch (k) {
      case 'exec':
        if ((arr(v.command) ?? []).length === 0) errs.push(fieldErrors.required(`${kp}.command`));
        break;
      case 'httpGet':
        if (!s(v.path)) errs.push(fieldErrors.required(`${kp}.path`));
        errs.push(...validatePortNumOrName(v.port, `${kp}.port`));
        if (!['HTTP', 'HTTPS'].includes(s(v.scheme))) errs.push(fieldErrors.notSupported(`${kp}.scheme`, s(v.scheme), ['HTTP', 'HTTPS']));
        for (const hdr of arr(v.httpHeaders) ?? []) {
          const name = isObj(hdr) ? s(hdr.name) : '';
          if (!/^[-A-Za-z0-9]+$/.test(name)) errs.push(fieldErrors.invalid(`${kp}.httpHeaders`, name, regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name')));
        }
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(v.port, `${kp}.port`));
        break;
      case 'grpc':
        if (typeof v.port !== 'number') errs.push(fieldErrors.required(`${kp}.port`));
        else errs.push(...validatePortNumOrName(v.port, `${kp}.port`));
        break;
      case 'sleep':
        if (typeof v.seconds !== 'number' || v.seconds < 0) errs.push(fieldErrors.invalid(`${kp}.seconds`, v.seconds, 'must be non-negative'));
        break;
    }
  }
  if (n === 0) errs.push(fieldErrors.required(p, 'must specify a handler type'));
  return errs;
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export function validateProbe(probe: unknown, p: string, kind: ProbeKind): FieldError[] {
  if (probe === undefined || probe === null) return [];
  if (!isObj(probe)) return [fieldErrors.typeInvalid(p, probe, 'must be an object')];
  const errs = validateHandler(probe, p, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegative(probe[f], `${p}.${f}`));
  }
  const tgp = probe.terminationGracePeriodSeconds;
  if (kind === 'readiness') {
    if (tgp !== undefined && tgp !== null) errs.push(fieldErrors.invalid(`${p}.terminationGracePeriodSeconds`, tgp, 'must not be set for readinessProbes'));
  } else {
    if (typeof tgp === 'number' && tgp <= 0) errs.push(fieldErrors.invalid(`${p}.terminationGracePeriodSeconds`, tgp, 'must be greater than 0'));
    // Liveness and startup probes succeed on the first success (upstream forces 1).
    if (probe.successThreshold !== undefined && probe.successThreshold !== 1) {
      errs.push(fieldErrors.invalid(`${p}.successThreshold`, probe.successThreshold, 'must be 1'));
    }
  }
  return errs;
}

export function validateLifecycle(lc: unknown, p: string): FieldError[] {
  if (lc === undefined || lc === null) return [];
  if (!isObj(lc)) return [fieldErrors.typeInvalid(p, lc, 'must be an object')];
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    const h = lc[hook];
    if (h === undefined || h === null) continue;
    if (!isObj(h)) { errs.push(fieldErrors.typeInvalid(`${p}.${hook}`, h, 'must be an object')); continue; }
    errs.push(...validateHandler(h, `${p}.${hook}`, ['exec', 'httpGet', 'tcpSocket', 'sleep']));
  }
  return errs;
}
