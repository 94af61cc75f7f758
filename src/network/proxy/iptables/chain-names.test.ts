import { describe, expect, it } from 'vitest';
import { base32, endpointChainName, isServiceChainName, serviceChainNames } from './chain-names.js';

describe('chain names', () => {
  it('base32 matches RFC 4648 test vectors', () => {
    const enc = (s: string) => base32(new TextEncoder().encode(s));
    expect(enc('f')).toBe('MY');
    expect(enc('foobar')).toBe('MZXW6YTBOI');
  });

  it('matches the names upstream kube-proxy gives well-known services', () => {
    // As seen in iptables-save on any kubeadm cluster.
    expect(serviceChainNames('default/kubernetes:https', 'TCP').cluster).toBe('KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(serviceChainNames('kube-system/kube-dns:dns', 'UDP').cluster).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect(serviceChainNames('kube-system/kube-dns:dns-tcp', 'TCP').cluster).toBe('KUBE-SVC-ERIFXISQEP7F7OF4');
    expect(serviceChainNames('kube-system/kube-dns:metrics', 'TCP').cluster).toBe('KUBE-SVC-JD5MR3NA4I4DYORP');
  });

  it('derives the other chains from the same hash and endpoint chains from the endpoint', () => {
    const n = serviceChainNames('default/kubernetes:https', 'TCP');
    expect(n.external).toBe('KUBE-EXT-NPX46M4PTMTKRN6Y');
    expect(n.local).toBe('KUBE-SVL-NPX46M4PTMTKRN6Y');
    const a = endpointChainName('default/kubernetes:https', 'TCP', '10.0.0.1:6443');
    expect(a).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(a).not.toBe(endpointChainName('default/kubernetes:https', 'TCP', '10.0.0.2:6443'));
    expect(isServiceChainName(a)).toBe(true);
    expect(isServiceChainName('KUBE-SERVICES')).toBe(false);
  });
});
