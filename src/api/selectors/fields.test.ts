import { describe, it, expect } from 'vitest';
import { parseFieldSelector, selectableFields, supportedFieldLabels, validateFieldSelector } from './index.js';

describe('field selectors', () => {
  it('parses =, == and != and matches', () => {
    const s = parseFieldSelector('metadata.name=a,status.phase!=Failed,spec.nodeName==n1');
    expect(s.requirements.map((r) => r.operator)).toEqual(['=', '==', '!=']);
    expect(s.matches({ 'metadata.name': 'a', 'status.phase': 'Running', 'spec.nodeName': 'n1' })).toBe(true);
    expect(s.matches({ 'metadata.name': 'a', 'status.phase': 'Failed', 'spec.nodeName': 'n1' })).toBe(false);
    expect(parseFieldSelector('spec.nodeName=').matches({})).toBe(true);
    expect(s.requiresExactMatch('metadata.name')).toBe('a');
    expect(s.toString()).toBe('metadata.name=a,spec.nodeName=n1,status.phase!=Failed');
  });

  it('handles escapes and reports bad terms', () => {
    expect(parseFieldSelector('a=x\\,y\\=z').requirements[0].value).toBe('x,y=z');
    expect(() => parseFieldSelector('abc')).toThrow("invalid selector: 'abc'; can't understand 'abc'");
    expect(() => parseFieldSelector('a=b\\q')).toThrow('invalid field selector: invalid escape sequence: \\q');
    expect(parseFieldSelector('').empty()).toBe(true);
  });

  it('exposes upstream per-kind fields', () => {
    const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1', hostNetwork: true }, status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }] } };
    expect(selectableFields('', 'pods', pod)).toMatchObject({
      'metadata.name': 'p', 'metadata.namespace': 'ns', 'spec.nodeName': 'n1', 'spec.hostNetwork': 'true',
      'status.phase': 'Running', 'status.podIP': '10.0.0.5', 'spec.restartPolicy': '',
    });
    const ev = { metadata: { name: 'e', namespace: 'ns' }, involvedObject: { kind: 'Pod', name: 'p', uid: 'u' }, source: { component: 'kubelet' }, type: 'Normal' };
    expect(selectableFields('', 'events', ev)).toMatchObject({ 'involvedObject.kind': 'Pod', 'involvedObject.uid': 'u', source: 'kubelet', type: 'Normal' });
    expect(selectableFields('batch', 'jobs', { metadata: { name: 'j' }, status: { succeeded: 2 } })['status.successful']).toBe('2');
    expect(supportedFieldLabels('', 'nodes')).toEqual(['metadata.name', 'spec.unschedulable']);
  });

  it('rejects unsupported labels like upstream', () => {
    expect(() => validateFieldSelector(parseFieldSelector('spec.foo=x'), '', 'configmaps')).toThrow('field label not supported: spec.foo');
    expect(() => validateFieldSelector(parseFieldSelector('metadata.namespace=x'), '', 'namespaces')).toThrow('field label not supported: metadata.namespace');
    expect(() => validateFieldSelector(parseFieldSelector('type=Opaque'), '', 'secrets')).not.toThrow();
    expect(() => validateFieldSelector(parseFieldSelector('spec.x=1'), 'example.com', 'widgets', ['spec.x'])).not.toThrow();
  });
});
