import { describe, expect, it } from 'vitest';
import { CIDRSet, CIDRSetError, parseIpv4Cidr } from './cidr-set.js';

describe('CIDRSet', () => {
  it('hands out node subnets in order and round-robin after releases', () => {
    const s = new CIDRSet('10.42.0.0/16', 24);
    expect(s.maxCIDRs).toBe(256);
    expect(s.allocateNext()).toBe('10.42.0.0/24');
    expect(s.allocateNext()).toBe('10.42.1.0/24');
    s.release('10.42.0.0/24');
    // The next candidate moves on; a freed range is not reused at once.
    expect(s.allocateNext()).toBe('10.42.2.0/24');
  });
  it('skips occupied subnets and reports exhaustion', () => {
    const s = new CIDRSet('10.42.0.0/22', 24);
    s.occupy('10.42.0.0/24');
    s.occupy('10.42.2.0/23'); // covers two subnets
    expect(s.allocatedCount).toBe(3);
    expect(s.allocateNext()).toBe('10.42.1.0/24');
    expect(() => s.allocateNext()).toThrow(CIDRSetError);
    s.occupy('10.42.1.0/24'); // idempotent
    expect(s.allocatedCount).toBe(4);
    s.occupy('192.168.0.0/24'); // outside: ignored
    expect(s.allocatedCount).toBe(4);
  });
  it('validates its configuration', () => {
    expect(() => new CIDRSet('10.42.0.0/16', 8)).toThrow(/does not fit/);
    expect(() => new CIDRSet('nope', 24)).toThrow(/invalid cluster CIDR/);
    expect(() => new CIDRSet('10.0.0.0/8', 30)).toThrow(/65536/);
    expect(parseIpv4Cidr('10.42.7.9/16')).toEqual({ base: parseIpv4Cidr('10.42.0.0/16')!.base, prefix: 16 });
    expect(new CIDRSet('10.42.0.0/16', 24).contains('10.42.9.0/24')).toBe(true);
    expect(new CIDRSet('10.42.0.0/16', 24).contains('10.43.0.0/24')).toBe(false);
  });
});
