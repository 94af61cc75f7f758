import { describe, it, expect, afterEach } from 'vitest';
import { errors } from '../api/errors.js';
import type { RestRequest, RestResponse, RestTransport } from './transport.js';
import { RestClient } from './rest-client.js';
import { LeaderElector, microTime, type Lease } from './leader-election.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeClock, settle } from './testing/fake-clock.js';

/** One candidate's connection to the shared fake API, which a test can cut (a network partition or crash). */
class Link implements RestTransport {
  cut = false;
  constructor(private readonly api: FakeApi) {}
  request(req: RestRequest): Promise<RestResponse> {
    if (this.cut) return Promise.reject(new Error('connect ECONNREFUSED'));
    return this.api.request(req);
  }
  stream(req: RestRequest): AsyncIterable<Uint8Array> {
    return this.api.stream(req);
  }
}

interface Candidate { elector: LeaderElector; link: Link; ac: AbortController; log: string[]; done: Promise<void> }

const running: Candidate[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) { c.ac.abort(); c.link.cut = true; }
});

function candidate(api: FakeApi, clock: FakeClock, identity: string): Candidate {
  const link = new Link(api);
  const log: string[] = [];
  const elector = new LeaderElector({
    client: new RestClient(link), namespace: 'kube-system', name: 'kites-controller-manager', identity, clock, random: () => 0,
    onStartedLeading: (signal) => {
      log.push('started');
      signal.addEventListener('abort', () => log.push('signal-aborted'));
    },
    onStoppedLeading: () => log.push('stopped'),
    onNewLeader: (id) => log.push(`leader=${id}`),
  });
  const ac = new AbortController();
  const c: Candidate = { elector, link, ac, log, done: elector.run(ac.signal) };
  running.push(c);
  return c;
}

function lease(api: FakeApi): Lease['spec'] {
  return (api.peek('coordination.k8s.io', 'leases', 'kube-system', 'kites-controller-manager') as Lease | undefined)?.spec;
}

describe('LeaderElector', () => {
  it('one candidate leads, renews, and on stop releases so the other takes over at once', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = candidate(api, clock, 'a');
    await settle();
    const b = candidate(api, clock, 'b');
    await settle();
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.getLeader()).toBe('a');
    expect(a.log).toEqual(['leader=a', 'started']);
    expect(lease(api)).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0, acquireTime: microTime(clock.now()) });

    const acquired = lease(api)!.acquireTime;
    await clock.advance(20_000); // well past the lease duration: renewals keep it
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(lease(api)!.acquireTime).toBe(acquired);
    expect(lease(api)!.renewTime).toBe(microTime(clock.now()));

    a.ac.abort();
    await a.done;
    expect(a.log).toEqual(['leader=a', 'started', 'signal-aborted', 'stopped']);
    expect(lease(api)).toMatchObject({ holderIdentity: '', leaseTransitions: 0 });
    await clock.advance(2000); // b's next retry
    expect(b.elector.isLeader()).toBe(true);
    expect(b.log).toEqual(['leader=a', 'leader=b', 'started']);
    expect(lease(api)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('a partitioned leader steps down after renewDeadline; the other takes over after leaseDuration', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = candidate(api, clock, 'a');
    await settle();
    const b = candidate(api, clock, 'b');
    await settle();
    expect(a.elector.isLeader()).toBe(true);
    a.link.cut = true;
    const cutAt = clock.now();
    // The renewal due 2 s after the last one keeps retrying for renewDeadline (10 s), then gives up.
    await clock.advance(11_000);
    expect(a.log).not.toContain('stopped');
    await clock.advance(1000);
    expect(a.log).toContain('stopped');
    expect(a.elector.isLeader()).toBe(false);
    expect(b.elector.isLeader()).toBe(false);
    // b saw the lease last change at cutAt (a's last renewal); it expires 15 s after that.
    while (!b.elector.isLeader() && clock.now() - cutAt < 30_000) await clock.advance(1000);
    expect(clock.now() - cutAt).toBeGreaterThanOrEqual(15_000);
    expect(clock.now() - cutAt).toBeLessThanOrEqual(18_000);
    expect(lease(api)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    // a, reconnected, stays a follower.
    a.link.cut = false;
    await clock.advance(6000);
    expect(a.elector.isLeader()).toBe(false);
    expect(b.elector.isLeader()).toBe(true);
  });

  it('a 409 on a racing write means the other candidate won', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    // Both read "no lease" and both try to create: exactly one create succeeds.
    const a = candidate(api, clock, 'a');
    const b = candidate(api, clock, 'b');
    await settle();
    const leaders = [a, b].filter((c) => c.elector.isLeader());
    expect(leaders).toHaveLength(1);
    await clock.advance(4000);
    expect([a, b].filter((c) => c.elector.isLeader())).toHaveLength(1);
    expect(api.requests.some((r) => r.method === 'POST')).toBe(true);
  });

  it('run() ends only after the leader\'s work has wound down', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const steps: string[] = [];
    const elector = new LeaderElector({
      client: new RestClient(api), namespace: 'kube-system', name: 'x', identity: 'a', clock, random: () => 0,
      onStartedLeading: (signal) => new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => setTimeout(() => { steps.push('work done'); resolve(); }, 5));
      }),
    });
    const ac = new AbortController();
    const run = elector.run(ac.signal).then(() => steps.push('run done'));
    await settle();
    expect(elector.isLeader()).toBe(true);
    ac.abort();
    await run;
    expect(steps).toEqual(['work done', 'run done']);
  });

  it('keeps leading through a transient renew error', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const a = candidate(api, clock, 'a');
    await settle();
    api.failNext((r) => r.method === 'PUT', errors.internal('etcd hiccup'), 2);
    await clock.advance(8000);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.log).toEqual(['leader=a', 'started']);
  });
});
