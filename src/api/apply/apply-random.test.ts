// Seeded random histories of applies, forced and not, by several managers on one ConfigMap,
// checked against invariants of field ownership rather than fixed outputs.
import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../types.js';
import { StatusError } from '../errors.js';
import { builtinSchemas } from '../schema/index.js';
import { PathSet } from '../fieldmanager/index.js';
import { applyObject } from './apply.js';

const schema = builtinSchemas.node('', 'v1', 'ConfigMap');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function ownedKeys(obj: KubeObject, area: 'data' | 'labels'): Set<string> {
  const keys = new Set<string>();
  for (const e of obj.metadata?.managedFields ?? []) {
    const set = PathSet.fromFieldsV1(e.fieldsV1 ?? {});
    for (const p of set.paths()) {
      if (area === 'data' && p.length === 2 && p[0] === 'f:data') keys.add(p[1].slice(2));
      if (area === 'labels' && p.length === 3 && p[1] === 'f:labels') keys.add(p[2].slice(2));
    }
  }
  return keys;
}

describe('applyObject: random histories', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`keeps ownership consistent (seed ${seed})`, () => {
      const rand = rng(seed);
      const managers = ['alice', 'bob', 'carol'];
      const keys = ['a', 'b', 'c', 'd', 'e'];
      let live: KubeObject | undefined;
      let minute = 0;
      for (let step = 0; step < 60; step++) {
        const manager = managers[Math.floor(rand() * managers.length)];
        const data: Record<string, string> = {};
        const labels: Record<string, string> = {};
        for (const k of keys) {
          if (rand() < 0.4) data[k] = String(Math.floor(rand() * 3));
          if (rand() < 0.2) labels[k] = String(Math.floor(rand() * 2));
        }
        const applied: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', ...(Object.keys(labels).length ? { labels } : {}) }, data };
        const force = rand() < 0.5;
        const now = new Date(Date.UTC(2026, 10, 22, 20, minute++)).toISOString();
        let out: KubeObject;
        try {
          out = applyObject({ live, applied, manager, force, apiVersion: 'v1', now, schema });
        } catch (e) {
          expect(e).toBeInstanceOf(StatusError);
          expect((e as StatusError).code).toBe(409);
          expect(force).toBe(false);
          continue;
        }
        // every applied value is in the object
        for (const [k, v] of Object.entries(data)) expect((out.data as Record<string, string>)[k]).toBe(v);
        // every key present is owned by someone, and every owned key is present
        expect(new Set(Object.keys((out.data as Record<string, string> | undefined) ?? {}))).toEqual(ownedKeys(out, 'data'));
        expect(new Set(Object.keys(out.metadata?.labels ?? {}))).toEqual(ownedKeys(out, 'labels'));
        live = { ...out, metadata: { ...out.metadata, uid: 'u', resourceVersion: String(step) } };
        // re-applying the same configuration changes nothing
        const again = applyObject({ live, applied, manager, force: false, apiVersion: 'v1', now: new Date(Date.UTC(2026, 10, 23)).toISOString(), schema });
        expect(again).toEqual(live);
      }
    });
  }
});
