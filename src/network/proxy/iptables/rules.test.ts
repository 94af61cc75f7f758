import { describe, expect, it } from 'vitest';
import type { EndpointSliceObject, ServiceObject, ServiceSpec } from '../api-objects.js';
import { buildProxyState } from '../model.js';
import { endpointChainName, serviceChainNames } from './chain-names.js';
import { chainsInSave, planRestore } from './restore.js';
import { buildRules } from './rules.js';

const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: 'default', labels, uid: name, resourceVersion: '1', creationTimestamp: 'x' });
const svc = (name: string, spec: Partial<ServiceSpec>, lb?: string[]): ServiceObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: meta(name),
  spec: { clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec },
  status: lb ? { loadBalancer: { ingress: lb.map((ip) => ({ ip })) } } : undefined,
});
const slice = (svcName: string, eps: Array<[string, string?]>): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta(`${svcName}-x`, { 'kubernetes.io/service-name': svcName }),
  addressType: 'IPv4', endpoints: eps.map(([ip, node]) => ({ addresses: [ip], conditions: { ready: true }, nodeName: node })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const opts = { clusterCidr: '10.42.0.0/16', nodeIPs: ['192.168.1.10'] };
const web = serviceChainNames('default/web:http', 'TCP');
const sepA = endpointChainName('default/web:http', 'TCP', '10.42.0.5:8080');
const sepB = endpointChainName('default/web:http', 'TCP', '10.42.1.6:8080');

describe('buildRules', () => {
  it('ClusterIP service: capture, off-cluster masquerade, 1/n random balancing, hairpin and DNAT', () => {
    const r = buildRules(buildProxyState([svc('web', {})], [slice('web', [['10.42.0.5', 'n1'], ['10.42.1.6', 'n2']])], 'n1'), opts);
    expect(r.natRules).toContain(`-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.43.0.10 --dport 80 -j ${web.cluster}`);
    expect(r.natRules.at(-1)).toBe('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
    expect(r.natRules).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000');
    expect(r.serviceChains.get(web.cluster)).toEqual([
      `-A ${web.cluster} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.43.0.10 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ`,
      `-A ${web.cluster} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m statistic --mode random --probability 0.5000000000 -j ${sepA}`,
      `-A ${web.cluster} -m comment --comment "default/web:http -> 10.42.1.6:8080" -j ${sepB}`,
    ]);
    expect(r.serviceChains.get(sepA)).toEqual([
      `-A ${sepA} -m comment --comment default/web:http -s 10.42.0.5 -j KUBE-MARK-MASQ`,
      `-A ${sepA} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.42.0.5:8080`,
    ]);
    expect(r.serviceChains.has(web.external)).toBe(false);
    expect(r.filterRules.some((l) => l.includes('default/web'))).toBe(false);
  });

  it('ClientIP affinity: recent --rcheck before balancing, --set in the endpoint chain', () => {
    const r = buildRules(buildProxyState([svc('web', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })],
      [slice('web', [['10.42.0.5']])], 'n1'), opts);
    expect(r.serviceChains.get(web.cluster)![1]).toBe(
      `-A ${web.cluster} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m recent --name ${sepA} --rcheck --seconds 60 --reap -j ${sepA}`);
    expect(r.serviceChains.get(sepA)![1]).toBe(
      `-A ${sepA} -m comment --comment default/web:http -m recent --name ${sepA} --set -m tcp -p tcp -j DNAT --to-destination 10.42.0.5:8080`);
  });

  it('no endpoints: REJECT in filter for the cluster IP, node port and LB IP; no nat chains', () => {
    const r = buildRules(buildProxyState([svc('web', { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }, ['192.0.2.10'])], [], 'n1'), opts);
    expect(r.filterRules).toContain('-A KUBE-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.43.0.10 --dport 80 -j REJECT');
    expect(r.filterRules).toContain('-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/web:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT');
    expect(r.filterRules).toContain('-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 192.0.2.10 --dport 80 -j REJECT');
    expect(r.serviceChains.size).toBe(0);
  });

  it('NodePort/LB with externalTrafficPolicy Local: EXT short-circuits pods and the node, else only local endpoints', () => {
    const state = buildProxyState([svc('web', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }, ['192.0.2.10'])],
      [slice('web', [['10.42.0.5', 'n1'], ['10.42.1.6', 'n2']])], 'n1');
    const r = buildRules(state, opts);
    expect(r.natRules).toContain(`-A KUBE-NODEPORTS -m comment --comment default/web:http -m tcp -p tcp --dport 30080 -j ${web.external}`);
    expect(r.natRules).toContain(`-A KUBE-SERVICES -m comment --comment "default/web:http loadbalancer IP" -m tcp -p tcp -d 192.0.2.10 --dport 80 -j ${web.external}`);
    expect(r.serviceChains.get(web.external)).toEqual([
      `-A ${web.external} -m comment --comment "pod traffic for default/web:http external destinations" -s 10.42.0.0/16 -j ${web.cluster}`,
      `-A ${web.external} -m comment --comment "masquerade LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
      `-A ${web.external} -m comment --comment "route LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j ${web.cluster}`,
      `-A ${web.external} -j ${web.local}`,
    ]);
    expect(r.serviceChains.get(web.local)).toEqual([`-A ${web.local} -m comment --comment "default/web:http -> 10.42.0.5:8080" -j ${sepA}`]);
  });

  it('Cluster external policy masquerades everything entering through EXT', () => {
    const r = buildRules(buildProxyState([svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }], externalIPs: ['192.0.2.7'] })],
      [slice('web', [['10.42.0.5']])], 'n1'), opts);
    expect(r.serviceChains.get(web.external)).toEqual([
      `-A ${web.external} -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ`,
      `-A ${web.external} -j ${web.cluster}`,
    ]);
    expect(r.natRules).toContain(`-A KUBE-SERVICES -m comment --comment "default/web:http external IP" -m tcp -p tcp -d 192.0.2.7 --dport 80 -j ${web.external}`);
  });
});

describe('planRestore', () => {
  const stateWith = (eps: Array<[string, string?]>) => buildProxyState([svc('web', {}), svc('api', { clusterIP: '10.43.0.11' })],
    [slice('web', eps), { ...slice('api', [['10.42.0.9']]), metadata: meta('api-x', { 'kubernetes.io/service-name': 'api' }) }], 'n1');

  it('a full sync declares everything and deletes leftover service chains found by iptables-save', () => {
    const plan = planRestore(buildRules(stateWith([['10.42.0.5']]), opts), undefined, ['KUBE-SERVICES', 'KUBE-SVC-OLDOLDOLDOLDOLD1', 'DOCKER']);
    expect(plan.text.startsWith('*filter\n:KUBE-SERVICES - [0:0]\n')).toBe(true);
    expect(plan.text).toContain(`:${web.cluster} - [0:0]`);
    expect(plan.text).toContain(':KUBE-SVC-OLDOLDOLDOLDOLD1 - [0:0]');
    expect(plan.text).toContain('-X KUBE-SVC-OLDOLDOLDOLDOLD1\nCOMMIT');
    expect(plan.text).not.toContain('DOCKER');
    expect(plan.deletedChains).toEqual(['KUBE-SVC-OLDOLDOLDOLDOLD1']);
  });

  it('a partial sync writes only changed service chains and deletes removed ones', () => {
    const first = planRestore(buildRules(stateWith([['10.42.0.5'], ['10.42.1.6']]), opts), undefined);
    const second = planRestore(buildRules(stateWith([['10.42.0.5']]), opts), first.written);
    expect(second.changedChains).toBe(1); // KUBE-SVC of web; its remaining SEP and all of api unchanged
    expect(second.text).toContain(`:${web.cluster} - [0:0]`);
    expect(second.text).not.toContain(`:${sepA} - [0:0]`);
    expect(second.deletedChains).toEqual([sepB]);
    expect(second.text).toContain(`-X ${sepB}`);
    const third = planRestore(buildRules(stateWith([['10.42.0.5']]), opts), second.written);
    expect(third.changedChains).toBe(0);
    expect(third.deletedChains).toEqual([]);
  });

  it('reads chain names from iptables-save', () => {
    expect(chainsInSave('*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC-X - [0:0]\n-A PREROUTING -j KUBE-SVC-X\nCOMMIT\n')).toEqual(['PREROUTING', 'KUBE-SVC-X']);
  });
});
