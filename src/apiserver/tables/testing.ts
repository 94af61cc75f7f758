// Test helpers: a fixed clock and objects created at known offsets from it.
import { findResource } from '../../api/resources/catalog.js';
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject } from '../../api/types.js';

export const now = new Date('2025-06-01T12:00:00Z');

export function ago(ms: number): string {
  return new Date(now.getTime() - ms).toISOString().replace('.000Z', 'Z');
}

export function meta(name: string, createdAgoMs: number, extra: Record<string, unknown> = {}): KubeObject['metadata'] {
  return { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: ago(createdAgoMs), ...extra };
}

export function info(group: string, version: string, resource: string): ResourceInfo {
  const i = findResource(group, version, resource);
  if (!i) throw new Error(`no resource ${group}/${version}/${resource}`);
  return i;
}
