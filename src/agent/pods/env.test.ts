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

describe('service-link variables', async () => {
  const { serviceEnv, servicesForPod } = await import('./service-env.js');
  const web = { metadata: { name: 'my-web' }, spec: { clusterIP: '10.0.0.5', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } };
  const headless = { metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ port: 5432 }] } };
  const master = { metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.0.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } };

  it('renders docker-links style variables for services with a cluster IP', () => {
    const env = Object.fromEntries(serviceEnv([web, headless]).map((e) => [e.name, e.value]));
    expect(env).toEqual({
      MY_WEB_SERVICE_HOST: '10.0.0.5', MY_WEB_SERVICE_PORT: '80', MY_WEB_SERVICE_PORT_HTTP: '80', MY_WEB_PORT: 'tcp://10.0.0.5:80',
      MY_WEB_PORT_80_TCP: 'tcp://10.0.0.5:80', MY_WEB_PORT_80_TCP_PROTO: 'tcp', MY_WEB_PORT_80_TCP_PORT: '80', MY_WEB_PORT_80_TCP_ADDR: '10.0.0.5',
      MY_WEB_PORT_53_UDP: 'udp://10.0.0.5:53', MY_WEB_PORT_53_UDP_PROTO: 'udp', MY_WEB_PORT_53_UDP_PORT: '53', MY_WEB_PORT_53_UDP_ADDR: '10.0.0.5',
    });
  });

  it('always includes the master service; links off drops the namespace\'s', () => {
    expect(servicesForPod('apps', false, [web], master).map((s) => s.metadata.name)).toEqual(['kubernetes']);
    expect(servicesForPod('apps', true, [web], master).map((s) => s.metadata.name).sort()).toEqual(['kubernetes', 'my-web']);
  });

  it('service variables come last, lose to defined ones, and feed $(VAR)', async () => {
    const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [] } } as unknown as PodObject;
    const env = await containerEnv(pod, { name: 'c', env: [{ name: 'URL', value: 'https://$(KUBERNETES_SERVICE_HOST)' }, { name: 'KUBERNETES_SERVICE_PORT', value: 'mine' }] }, {
      configMap: async () => undefined, secret: async () => undefined, allocatable: { cpu: '1', memory: '1Gi' }, podIPs: [], hostIPs: [], warn: () => {},
      serviceEnv: serviceEnv([master]),
    });
    const m = Object.fromEntries(env.map((e) => [e.name, e.value]));
    expect(m.URL).toBe('https://10.0.0.1');
    expect(m.KUBERNETES_SERVICE_PORT).toBe('mine');
    expect(m.KUBERNETES_SERVICE_HOST).toBe('10.0.0.1');
    expect(env[0]!.name).toBe('URL');
  });
});
