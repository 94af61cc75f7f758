import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../api/log.js';
import type { EndpointSliceObject, ServiceObject } from '../api-objects.js';
import { buildProxyState } from '../model.js';
import { IptablesProxier, jumpRules, type IptablesRunner } from './proxier.js';

const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: 'default', labels, uid: name, resourceVersion: '1', creationTimestamp: 'x' });
const svc: ServiceObject = { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80 }] } };
const slice = (ips: string[]): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('web-x', { 'kubernetes.io/service-name': 'web' }),
  addressType: 'IPv4', endpoints: ips.map((ip) => ({ addresses: [ip] })), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

function fakeIptables() {
  const calls: Array<{ cmd: string; args: string[]; input?: string }> = [];
  let failRestore = false;
  const installed = new Set<string>();
  const run: IptablesRunner = async (cmd, args, input) => {
    calls.push({ cmd, args, input });
    if (cmd === 'iptables-save') return '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SEP-LEFTOVERLEFTOVER - [0:0]\nCOMMIT\n';
    if (cmd === 'iptables-restore' && failRestore) throw new Error('iptables-restore: line 3 failed');
    if (cmd === 'iptables') {
      const key = args.filter((a) => !['-C', '-I', '-D', '1'].includes(a)).join(' ');
      if (args.includes('-C') && !installed.has(key)) throw new Error('Bad rule');
      if (args.includes('-I')) installed.add(key);
      if (args.includes('-D') && !installed.delete(key)) throw new Error('Bad rule');
    }
    return '';
  };
  return { calls, run, installed, setFail: (v: boolean) => (failRestore = v) };
}

describe('IptablesProxier', () => {
  it('full sync first (save, restore, jump rules), then partial syncs that skip unchanged chains', async () => {
    const ipt = fakeIptables();
    const p = new IptablesProxier({ nodeName: 'n1', nodeIPs: ['192.168.1.10'], clusterCidr: '10.42.0.0/16', log: silentLogger, run: ipt.run, skipSysctls: true });
    await p.sync(buildProxyState([svc], [slice(['10.42.0.5', '10.42.0.6'])], 'n1', { full: false }));
    expect(ipt.calls[0]!.cmd).toBe('iptables-save');
    const restore = ipt.calls.find((c) => c.cmd === 'iptables-restore')!;
    expect(restore.args).toEqual(['-w', '5', '--noflush']);
    expect(restore.input).toContain('-X KUBE-SEP-LEFTOVERLEFTOVER');
    expect(ipt.installed.size).toBe(jumpRules.length);
    expect(p.lastSync).toMatchObject({ full: true, deletedChains: 1 });

    ipt.calls.length = 0;
    await p.sync(buildProxyState([svc], [slice(['10.42.0.5'])], 'n1', { full: false }));
    expect(ipt.calls.map((c) => c.cmd)).toEqual(['iptables-restore']);
    expect(p.lastSync).toMatchObject({ full: false, changedChains: 1, deletedChains: 1 });

    // A failed restore makes the next sync a full one, whatever the runner asks.
    ipt.setFail(true);
    await expect(p.sync(buildProxyState([svc], [slice(['10.42.0.7'])], 'n1', { full: false }))).rejects.toThrow(/line 3/);
    ipt.setFail(false);
    ipt.calls.length = 0;
    await p.sync(buildProxyState([svc], [slice(['10.42.0.7'])], 'n1', { full: false }));
    expect(ipt.calls[0]!.cmd).toBe('iptables-save');
    expect(p.lastSync!.full).toBe(true);
  });

  it('clears stale UDP conntrack entries after a sync, and stops trying when the tool is missing', async () => {
    const ipt = fakeIptables();
    const udp: ServiceObject = { ...svc, spec: { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, protocol: 'UDP' }] } };
    const udpSlice = (ips: string[]) => ({ ...slice(ips), ports: [{ name: 'http', port: 8080, protocol: 'UDP' }] });
    let conntrackCalls = 0;
    const run: IptablesRunner = async (cmd, args, input) => {
      if (cmd === 'conntrack') {
        conntrackCalls++;
        throw new Error('exec of "conntrack" failed: No such file or directory');
      }
      return ipt.run(cmd, args, input);
    };
    const p = new IptablesProxier({ nodeName: 'n1', nodeIPs: [], log: silentLogger, run, skipSysctls: true });
    await p.sync(buildProxyState([udp], [udpSlice(['10.42.0.5', '10.42.0.6'])], 'n1'));
    expect(conntrackCalls).toBe(0);
    await p.sync(buildProxyState([udp], [udpSlice(['10.42.0.6'])], 'n1', { full: false }));
    expect(conntrackCalls).toBe(1);
    await p.sync(buildProxyState([udp], [udpSlice([])], 'n1', { full: false }));
    expect(conntrackCalls).toBe(1);
  });

  it('cleanup removes the jump rules and our chains', async () => {
    const ipt = fakeIptables();
    const p = new IptablesProxier({ nodeName: 'n1', nodeIPs: [], log: silentLogger, run: ipt.run, skipSysctls: true });
    await p.sync(buildProxyState([], [], 'n1'));
    expect(ipt.installed.size).toBe(jumpRules.length);
    ipt.calls.length = 0;
    await p.stop({ cleanup: true });
    expect(ipt.installed.size).toBe(0);
    const restore = ipt.calls.find((c) => c.cmd === 'iptables-restore')!;
    expect(restore.input).toBe('*nat\n:KUBE-SEP-LEFTOVERLEFTOVER - [0:0]\n-X KUBE-SEP-LEFTOVERLEFTOVER\nCOMMIT\n');
  });
});
