import { describe, it, expect } from 'vitest';
import { expand, resourceFieldValue, containerEnv, ContainerConfigError } from './env.js';
import type { PodObject } from './pod-types.js';

describe('$(VAR) expansion', () => {
  const vars: Record<string, string> = { A: 'a', B: 'b' };
  const look = (n: string) => vars[n];
  it('expands known references, keeps unknown ones and unescapes $$', () => {
    expect(expand('$(A)-$(B)', look)).toBe('a-b');
    expect(expand('$(NOPE)', look)).toBe('$(NOPE)');
    expect(expand('$$(A)', look)).toBe('$(A)');
    expect(expand('$A $', look)).toBe('$A $');
    expect(expand('$(A', look)).toBe('$(A');
  });
});

describe('resourceFieldRef', () => {
  const alloc = { cpu: '4', memory: '8Gi' };
  it('rounds up with the divisor and defaults limits to allocatable', () => {
    expect(resourceFieldValue({ name: 'c', resources: { limits: { cpu: '250m' } } }, 'limits.cpu', undefined, alloc)).toBe('1');
    expect(resourceFieldValue({ name: 'c', resources: { limits: { cpu: '250m' } } }, 'limits.cpu', '1m', alloc)).toBe('250');
    expect(resourceFieldValue({ name: 'c' }, 'limits.memory', '1Mi', alloc)).toBe('8192');
    expect(resourceFieldValue({ name: 'c', resources: { requests: { memory: '1Gi' } } }, 'requests.memory', '1Gi', alloc)).toBe('1');
  });
});

describe('containerEnv', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [] } } as unknown as PodObject;
  const src = {
    configMap: async (_ns: string, name: string) => (name === 'cm' ? { data: { K: 'v' } } as never : undefined),
    secret: async () => undefined,
    allocatable: { cpu: '1', memory: '1Gi' }, podIPs: ['10.0.0.1'], hostIPs: ['10.0.0.1'], warn: () => {},
  };
  it('orders envFrom before env and lets env override', async () => {
    const env = await containerEnv(pod, { name: 'c', envFrom: [{ configMapRef: { name: 'cm' } }], env: [{ name: 'K', value: 'over' }, { name: 'X', value: '$(K)!' }] }, src);
    expect(env).toEqual([{ name: 'K', value: 'over' }, { name: 'X', value: 'over!' }]);
  });
  it('fails on a missing source unless optional', async () => {
    await expect(containerEnv(pod, { name: 'c', envFrom: [{ secretRef: { name: 's' } }] }, src)).rejects.toThrow(ContainerConfigError);
    await expect(containerEnv(pod, { name: 'c', envFrom: [{ secretRef: { name: 's' } }] }, src)).rejects.toThrow('secret "s" not found');
    expect(await containerEnv(pod, { name: 'c', envFrom: [{ secretRef: { name: 's', optional: true } }] }, src)).toEqual([]);
  });
});
