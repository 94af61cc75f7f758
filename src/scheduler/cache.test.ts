import { describe, it, expect } from 'vitest';
import { fixture, makeNode, makePod } from './testing.js';

describe('SchedulerCache', () => {
  it('assumed pods count until confirmed or forgotten; a re-created pod of the same name is another pod', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '2' })]);
    const p = f.info(makePod('p', {}, { cpu: '1' }));
    f.cache.assume(p, 'a');
    expect(f.cache.get('a')!.requestedCPU).toBe(1000);
    expect(f.cache.isAssumedOrBound('default/p', 'uid-p')).toBe(true);
    expect(f.cache.isAssumedOrBound('default/p', 'other-uid')).toBe(false);
    f.cache.forget('default/p', 'other-uid');
    expect(f.cache.get('a')!.requestedCPU).toBe(1000);
    // The watch confirms the binding: forget no longer applies.
    f.cache.setPod({ ...p.pod, spec: { ...p.pod.spec, nodeName: 'a' } });
    f.cache.forget('default/p');
    expect(f.cache.get('a')!.requestedCPU).toBe(1000);
    expect(f.cache.removePod(p.pod)).toBe(true);
    expect(f.cache.get('a')!.requestedCPU).toBe(0);
    expect(f.cache.get('a')!.pods.size).toBe(0);
  });

  it('keeps pods of a deleted node accounted until they go', () => {
    const f = fixture();
    const bound = makePod('p', {}, { cpu: '1' });
    bound.spec.nodeName = 'a';
    f.add([makeNode('a'), makeNode('b')], [bound]);
    f.cache.removeNode('a');
    expect(f.cache.nodeList().map((n) => n.name)).toEqual(['b']);
    f.cache.setNode(makeNode('a'));
    expect(f.cache.get('a')!.pods.size).toBe(1);
  });
});
