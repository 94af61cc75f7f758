import { describe, it, expect } from 'vitest';
import { cidrContains, formatCidr, nthAddress, parseCidr, parseIpv4 } from './cidr.js';

describe('cidr', () => {
  it('parses and normalises', () => {
    expect(formatCidr(parseCidr('10.42.3.7/16')!)).toBe('10.42.0.0/16');
    expect(parseCidr('10.42.0.0/33')).toBeUndefined();
    expect(parseCidr('300.1.1.1/8')).toBeUndefined();
    expect(parseIpv4('1.2.3')).toBeUndefined();
  });
  it('contains and indexes', () => {
    const c = parseCidr('10.43.0.0/16')!;
    expect(nthAddress(c, 10)).toBe('10.43.0.10');
    expect(cidrContains(c, '10.43.255.255')).toBe(true);
    expect(cidrContains(c, '10.44.0.0')).toBe(false);
  });
});
