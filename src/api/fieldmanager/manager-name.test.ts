import { describe, it, expect } from 'vitest';
import { managerFromUserAgent, managerOrUserAgent, validateFieldManager } from './manager-name.js';

describe('field manager names', () => {
  const agents: Array<[string, string]> = [
    ['kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9', 'kubectl'],
    ['helm/v3.16.2', 'helm'],
    ['OpenAPI-Generator/31.0.0/python', 'OpenAPI-Generator'],
    ['kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager'],
    ['bell\u0007ringer/1', 'bellringer'],
    ['', ''],
    ['x'.repeat(200), 'x'.repeat(128)],
  ];
  for (const [ua, want] of agents) {
    it(`derives ${JSON.stringify(want.slice(0, 20))} from ${JSON.stringify(ua.slice(0, 30))}`, () => {
      expect(managerFromUserAgent(ua)).toBe(want);
    });
  }

  it('prefers the fieldManager parameter', () => {
    expect(managerOrUserAgent('kubectl-client-side-apply', 'kubectl/v1.32.0')).toBe('kubectl-client-side-apply');
    expect(managerOrUserAgent(undefined, 'kubectl/v1.32.0')).toBe('kubectl');
    expect(managerOrUserAgent('', undefined)).toBe('');
  });

  it('validates length and printable characters', () => {
    expect(validateFieldManager('kubectl-edit')).toEqual([]);
    const long = validateFieldManager('m'.repeat(129));
    expect(long).toHaveLength(1);
    expect(long[0].type).toBe('FieldValueTooLong');
    const bad = validateFieldManager('a\tb');
    expect(bad.map((e) => e.toString())).toEqual(['fieldManager: Invalid value: "a\\tb": invalid character U+0009 (at position 1)']);
  });
});
