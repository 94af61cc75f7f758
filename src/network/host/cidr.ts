// IPv4 CIDR arithmetic for pod and service ranges (node pod CIDRs, gateway addresses, pools).

export interface Ipv4Cidr { base: number; prefix: number }

export function parseIpv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): Ipv4Cidr | undefined {
  const [ip, len] = cidr.split('/');
  const base = parseIpv4(ip ?? '');
  const prefix = Number(len);
  if (base === undefined || !/^\d{1,2}$/.test(len ?? '') || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (base & mask) >>> 0, prefix };
}

export function cidrSize(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrContains(c: Ipv4Cidr, ip: string): boolean {
  const n = parseIpv4(ip);
  return n !== undefined && n >= c.base && n < c.base + cidrSize(c);
}

/** The n-th address of a range (0 is the network address). */
export function nthAddress(c: Ipv4Cidr, n: number): string {
  return formatIpv4(c.base + n);
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}
