import { describe, it, expect } from 'vitest';
import { StatusError } from '../../api/errors.js';
import { agentEndpoint, nodeNameOf, resolveContainer } from './pod-target.js';

const pod = (containers: string[], extra: { init?: string[]; annotations?: Record<string, string>; nodeName?: string } = {}) => ({
  metadata: { name: 'p', annotations: extra.annotations },
  spec: { nodeName: extra.nodeName, containers: containers.map((name) => ({ name })), initContainers: (extra.init ?? []).map((name) => ({ name })) },
});

function failure(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    const s = (e as StatusError).toStatus();
    return { code: s.code, reason: s.reason ?? '', message: s.message ?? '' };
  }
  throw new Error('no error');
}

describe('resolveContainer', () => {
  it('takes a valid name (init containers too) and the only container', () => {
    expect(resolveContainer(pod(['a', 'b'], { init: ['setup'] }), 'setup')).toBe('setup');
    expect(resolveContainer(pod(['only']), null)).toBe('only');
  });

  it('uses the default-container annotation when several exist', () => {
    expect(resolveContainer(pod(['a', 'b'], { annotations: { 'kubectl.kubernetes.io/default-container': 'b' } }), undefined)).toBe('b');
  });

  it('answers with upstream messages', () => {
    expect(failure(() => resolveContainer(pod(['a']), 'x'))).toEqual({ code: 400, reason: 'BadRequest', message: 'container x is not valid for pod p' });
    expect(failure(() => resolveContainer(pod(['a', 'b'], { init: ['i'] }), ''))).toEqual({
      code: 400, reason: 'BadRequest', message: 'a container name must be specified for pod p, choose one of: [i a b]',
    });
  });
});

describe('node lookups', () => {
  it('needs a scheduled pod', () => {
    expect(failure(() => nodeNameOf(pod(['a'])))).toEqual({ code: 400, reason: 'BadRequest', message: 'pod p does not have a host assigned' });
    expect(nodeNameOf(pod(['a'], { nodeName: 'n1' }))).toBe('n1');
  });

  it('prefers InternalIP, then Hostname, and reads the kubelet port', () => {
    const node = (addresses: { type: string; address: string }[]) => ({ metadata: { name: 'n' }, status: { addresses, daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } });
    expect(agentEndpoint(node([{ type: 'Hostname', address: 'h' }, { type: 'InternalIP', address: '10.0.0.2' }]))).toEqual({ host: '10.0.0.2', port: 10250 });
    expect(agentEndpoint(node([{ type: 'Hostname', address: 'h' }]))).toEqual({ host: 'h', port: 10250 });
  });
});
