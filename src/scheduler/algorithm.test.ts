import { describe, it, expect } from 'vitest';
import { Algorithm, numFeasibleNodesToFind } from './algorithm.js';
import { defaultPlugins } from './profile.js';
import { fixture, makeNode, makePod } from './testing.js';
import { RestClient } from '../client/rest-client.js';
import type { RestTransport } from '../client/transport.js';
import { Status, type PreFilterPlugin } from './framework.js';

const noTransport: RestTransport = {
  request: () => Promise.reject(new Error('no API in unit tests')),
  stream: () => { throw new Error('no API in unit tests'); },
};

function algorithm(f: ReturnType<typeof fixture>, random = () => 0.5) {
  return new Algorithm(defaultPlugins(f.handle, new RestClient(noTransport)), f.handle, { random });
}

describe('numFeasibleNodesToFind', () => {
  it('follows upstream percentageOfNodesToScore defaults', () => {
    expect(numFeasibleNodesToFind(50)).toBe(50);
    expect(numFeasibleNodesToFind(100)).toBe(100);
    expect(numFeasibleNodesToFind(1000)).toBe(420);
    expect(numFeasibleNodesToFind(5000)).toBe(500);
    expect(numFeasibleNodesToFind(6000)).toBe(300);
    expect(numFeasibleNodesToFind(200)).toBe(100);
    expect(numFeasibleNodesToFind(1000, 10)).toBe(100);
    expect(numFeasibleNodesToFind(1000, 100)).toBe(1000);
  });
});

describe('Algorithm', () => {
  it('picks the least allocated feasible node', () => {
    const f = fixture();
    f.add([makeNode('small', { cpu: '2' }), makeNode('big', { cpu: '16' }), makeNode('cordoned', { cpu: '64', unschedulable: true })]);
    const r = algorithm(f).schedule(f.info(makePod('p', {}, { cpu: '1' })));
    expect(r).toMatchObject({ kind: 'scheduled', nodeName: 'big' });
  });

  it('writes upstream FitError messages', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' }), makeNode('c', { unschedulable: true })]);
    const r = algorithm(f).schedule(f.info(makePod('p', {}, { cpu: '2', memory: '16Gi' })));
    expect(r.kind).toBe('unschedulable');
    if (r.kind !== 'unschedulable') return;
    expect(r.message).toBe(
      '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu, 2 Insufficient memory. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    expect([...r.plugins].sort()).toEqual(['NodeResourcesFit', 'NodeUnschedulable']);
  });

  it('says so when there are no nodes', () => {
    const f = fixture();
    const r = algorithm(f).schedule(f.info(makePod('p')));
    expect(r).toMatchObject({ kind: 'unschedulable', message: 'no nodes available to schedule pods' });
  });

  it('reports a PreFilter rejection once, not per node', () => {
    const f = fixture();
    f.add([makeNode('a'), makeNode('b')]);
    const gate: PreFilterPlugin = { name: 'Gate', preFilter: () => Status.unresolvable('pod is gated') };
    const alg = new Algorithm([gate, ...defaultPlugins(f.handle, new RestClient(noTransport))], f.handle);
    const r = alg.schedule(f.info(makePod('p')));
    expect(r).toMatchObject({
      kind: 'unschedulable',
      message: '0/2 nodes are available: pod is gated. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    });
  });

  it('preemptionPolicy Never is reported as upstream', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '1' })]);
    const r = algorithm(f).schedule(f.info(makePod('p', { preemptionPolicy: 'Never' }, { cpu: '2' })));
    expect(r).toMatchObject({ message: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.' });
  });

  it('samples nodes round-robin on large clusters and stops at enough feasible ones', () => {
    const f = fixture();
    f.add(Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`)));
    const alg = algorithm(f);
    const first = alg.schedule(f.info(makePod('p')));
    const second = alg.schedule(f.info(makePod('q')));
    expect(first).toMatchObject({ kind: 'scheduled', evaluatedNodes: 420, feasibleNodes: 420 });
    expect(second).toMatchObject({ kind: 'scheduled', evaluatedNodes: 420 });
  });

  it('sees assumed pods: back-to-back pods do not land on a full node', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })]);
    const alg = algorithm(f);
    const p1 = f.info(makePod('p1', {}, { cpu: '800m' }));
    const r1 = alg.schedule(p1);
    if (r1.kind !== 'scheduled') throw new Error('p1 unschedulable');
    f.cache.assume(p1, r1.nodeName);
    const p2 = f.info(makePod('p2', {}, { cpu: '800m' }));
    const r2 = alg.schedule(p2);
    if (r2.kind !== 'scheduled') throw new Error('p2 unschedulable');
    expect(r2.nodeName).not.toBe(r1.nodeName);
    f.cache.assume(p2, r2.nodeName);
    expect(alg.schedule(f.info(makePod('p3', {}, { cpu: '800m' })))).toMatchObject({ kind: 'unschedulable' });
  });
});

describe('preemption', () => {
  const bound = (name: string, node: string, cpu: string, priority: number) => {
    const p = makePod(name, { priority }, { cpu });
    p.spec.nodeName = node;
    return p;
  };

  it('nominates the node whose victims matter least and reprieves the pods it can', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '3' }), makeNode('c', { cpu: '2' })], [
      // a: evicting a-mid is enough (a-low is reprieved).
      bound('a-mid', 'a', '1', 50), bound('a-low', 'a', '500m', 10),
      // b: evicting b-low (priority 5) is enough: the least important victims win.
      bound('b-high', 'b', '1', 500), bound('b-low', 'b', '1', 5), bound('b-more', 'b', '500m', 500),
      // c: only pods of higher priority.
      bound('c-high', 'c', '1', 500),
    ]);
    const r = algorithm(f).schedule(f.info(makePod('p', { priority: 100 }, { cpu: '1500m' })));
    expect(r).toMatchObject({ kind: 'unschedulable', nominatedNodeName: 'b', message: '0/3 nodes are available: 3 Insufficient cpu.' });
    if (r.kind !== 'unschedulable') return;
    expect(r.victims!.map((v) => v.pod.metadata.name)).toEqual(['b-low']);
    f.cache.removePod(f.info(makePod('b-low')).pod);
    const again = algorithm(f).schedule(f.info(makePod('p', { priority: 100 }, { cpu: '1500m' })));
    expect(again).toMatchObject({ kind: 'scheduled', nodeName: 'b' });
  });

  it('keeps victims to the minimum', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '2' })], [bound('x', 'a', '1', 1), bound('y', 'a', '1', 2)]);
    const r = algorithm(f).schedule(f.info(makePod('p', { priority: 100 }, { cpu: '1' })));
    expect(r).toMatchObject({ nominatedNodeName: 'a' });
    if (r.kind !== 'unschedulable') return;
    expect(r.victims!.map((v) => v.pod.metadata.name)).toEqual(['x']);
  });

  it('finds no victims among pods of equal or higher priority', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '1' })], [bound('x', 'a', '1', 100)]);
    const r = algorithm(f).schedule(f.info(makePod('p', { priority: 100 }, { cpu: '1' })));
    expect(r).toMatchObject({ message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' });
    expect(r.kind === 'unschedulable' && r.nominatedNodeName).toBeFalsy();
  });
});

describe('nominated pods', () => {
  it('room held for a nominated pod of higher priority is not taken by a lower-priority one', () => {
    const f = fixture();
    f.add([makeNode('a', { cpu: '1' })]);
    const alg = algorithm(f);
    const waiting = f.info(makePod('preemptor', { priority: 100 }, { cpu: '800m' }));
    f.cache.setNominated(waiting.key, waiting, 'a');
    expect(alg.schedule(f.info(makePod('low', { priority: 10 }, { cpu: '500m' })))).toMatchObject({ kind: 'unschedulable' });
    expect(alg.schedule(f.info(makePod('higher', { priority: 200 }, { cpu: '500m' })))).toMatchObject({ kind: 'scheduled', nodeName: 'a' });
    // The nominated pod itself fits its node.
    expect(alg.schedule(waiting)).toMatchObject({ kind: 'scheduled', nodeName: 'a' });
    f.cache.setNominated(waiting.key, undefined, undefined);
    expect(alg.schedule(f.info(makePod('low2', { priority: 10 }, { cpu: '500m' })))).toMatchObject({ kind: 'scheduled' });
  });
});
