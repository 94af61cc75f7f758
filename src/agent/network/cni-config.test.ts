import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../api/log.js';
import { RestClient } from '../../client/rest-client.js';
import { podNetworkConflist, writeConflist } from './cni-config.js';
import { bridgeMac } from './bridge.js';
import { nodesRef, PodCidrTimeoutError, waitForPodCidr, type NodeGetter } from './pod-cidr.js';

describe('CNI configuration', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('is a bridge with host-local on the pod CIDR, then portmap', () => {
    const c = podNetworkConflist({ podCidr: '10.42.3.0/24', gateway: '10.42.3.1', bridge: 'cni0', ipamDataDir: '/d/agent/cni/ipam' });
    expect(c).toMatchObject({
      cniVersion: '1.0.0', name: 'kites',
      plugins: [
        { type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: true, hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: '10.42.3.0/24', gateway: '10.42.3.1' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: '/d/agent/cni/ipam' } },
        { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      ],
    });
  });
  it('is written atomically and only when it changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-cni-'));
    dirs.push(dir);
    const conf = podNetworkConflist({ podCidr: '10.42.3.0/24', gateway: '10.42.3.1', bridge: 'cni0', ipamDataDir: '/x' });
    const p = writeConflist(join(dir, 'net.d'), conf);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual(conf);
    const ino = statSync(p).ino;
    writeConflist(join(dir, 'net.d'), conf);
    expect(statSync(p).ino).toBe(ino);
    expect(readdirSync(join(dir, 'net.d'))).toEqual(['10-kites.conflist']);
  });
  it('derives a stable bridge MAC from the gateway', () => {
    expect(bridgeMac('10.42.3.1')).toBe('0a:58:0a:2a:03:01');
  });
});

describe('waitForPodCidr', () => {
  it('polls until the Node has a pod CIDR (also before the Node exists)', async () => {
    let calls = 0;
    const nodes: NodeGetter = {
      async get() {
        calls++;
        if (calls === 1) throw new Error('nodes "n1" not found');
        return { metadata: { name: 'n1' }, spec: calls < 3 ? {} : { podCIDR: '10.42.5.0/24', podCIDRs: ['10.42.5.0/24'] } };
      },
    };
    expect(await waitForPodCidr({ nodes, nodeName: 'n1', log: silentLogger, pollMs: 1 })).toBe('10.42.5.0/24');
    expect(calls).toBe(3);
  });
  it('gives up with a clear error', async () => {
    const nodes: NodeGetter = { get: async () => ({ metadata: { name: 'n1' }, spec: {} }) };
    await expect(waitForPodCidr({ nodes, nodeName: 'n1', log: silentLogger, pollMs: 1, timeoutMs: 20 }))
      .rejects.toThrow(PodCidrTimeoutError);
    await expect(waitForPodCidr({ nodes, nodeName: 'n1', log: silentLogger, pollMs: 1, timeoutMs: 20 }))
      .rejects.toThrow(/node IPAM controller/);
  });
  it('takes a RestClient nodes resource', () => {
    const client = new RestClient({ request: async () => ({ status: 200, headers: {}, body: '{}' }) } as never);
    const nodes: NodeGetter = client.resource(nodesRef);
    expect(typeof nodes.get).toBe('function');
  });
});
