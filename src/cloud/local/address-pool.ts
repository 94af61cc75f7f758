// The addresses the local provider hands to LoadBalancer Services (--lb-address-pool): a comma
// list whose items are single IPv4 addresses, CIDRs or first-last ranges. A CIDR's network and
// broadcast addresses are left out when it has room besides them (/30 and wider).
import { cidrSize, formatIpv4, parseCidr, parseIpv4 } from '../../network/host/cidr.js';

interface Span { first: number; last: number }

export class AddressPool {
  private constructor(readonly spec: string, private readonly spans: readonly Span[]) {}

  /** Parses a pool; throws with the offending item when one is not an address, CIDR or range. */
  static parse(spec: string): AddressPool {
    const spans: Span[] = [];
    for (const raw of spec.split(',')) {
      const item = raw.trim();
      if (!item) continue;
      if (item.includes('/')) {
        const c = parseCidr(item);
        if (!c) throw new Error(`invalid load balancer address pool item "${item}": not an IPv4 CIDR`);
        const size = cidrSize(c);
        spans.push(size >= 4 ? { first: c.base + 1, last: c.base + size - 2 } : { first: c.base, last: c.base + size - 1 });
      } else if (item.includes('-')) {
        const [a, b] = item.split('-').map((s) => parseIpv4(s.trim()));
        if (a === undefined || b === undefined || b < a) throw new Error(`invalid load balancer address pool item "${item}": not an IPv4 range first-last`);
        spans.push({ first: a, last: b });
      } else {
        const ip = parseIpv4(item);
        if (ip === undefined) throw new Error(`invalid load balancer address pool item "${item}": not an IPv4 address`);
        spans.push({ first: ip, last: ip });
      }
    }
    if (spans.length === 0) throw new Error('the load balancer address pool is empty');
    return new AddressPool(spec, spans);
  }

  contains(ip: string): boolean {
    const n = parseIpv4(ip);
    return n !== undefined && this.spans.some((s) => n >= s.first && n <= s.last);
  }

  /** The first address not in `taken`, in pool order (lowest first within each item). */
  firstFree(taken: ReadonlySet<string>): string | undefined {
    for (const s of this.spans) {
      for (let n = s.first; n <= s.last; n++) {
        const ip = formatIpv4(n);
        if (!taken.has(ip)) return ip;
      }
    }
    return undefined;
  }

  size(): number {
    return this.spans.reduce((n, s) => n + s.last - s.first + 1, 0);
  }
}
