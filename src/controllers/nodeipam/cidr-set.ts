// The set of node-sized subnets carved out of the cluster CIDR (upstream
// pkg/controller/nodeipam/ipam/cidrset): a bitmap over the subnets, allocated round-robin from the
// one after the last handed out, so a just-released range is not reused at once.
// IPv4 only, like the rest of kites' pod network. (Controllers may not import src/network, so the
// few lines of address arithmetic live here.)

export interface SubnetRange { base: number; prefix: number }

export function parseIpv4Cidr(cidr: string): SubnetRange | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = octets.reduce((n, o) => n * 256 + o, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

export function formatIpv4Cidr(r: SubnetRange): string {
  const n = r.base;
  return `${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')}/${r.prefix}`;
}

const size = (prefix: number) => 2 ** (32 - prefix);

export class CIDRSetError extends Error {}

export class CIDRSet {
  readonly cluster: SubnetRange;
  readonly nodeMaskSize: number;
  readonly maxCIDRs: number;
  private readonly used: Uint8Array;
  private allocated = 0;
  private nextCandidate = 0;

  constructor(clusterCidr: string, nodeMaskSize: number) {
    const cluster = parseIpv4Cidr(clusterCidr);
    if (!cluster) throw new CIDRSetError(`invalid cluster CIDR ${JSON.stringify(clusterCidr)} (an IPv4 CIDR is needed)`);
    // Upstream refuses a node mask shorter than the cluster's and more than 2^16 subnets.
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < cluster.prefix || nodeMaskSize > 32) {
      throw new CIDRSetError(`node CIDR mask size ${nodeMaskSize} does not fit the cluster CIDR ${clusterCidr}`);
    }
    if (nodeMaskSize - cluster.prefix > 16) throw new CIDRSetError(`cluster CIDR ${clusterCidr} holds more than 65536 subnets of /${nodeMaskSize}; use a larger node mask`);
    this.cluster = cluster;
    this.nodeMaskSize = nodeMaskSize;
    this.maxCIDRs = 2 ** (nodeMaskSize - cluster.prefix);
    this.used = new Uint8Array(this.maxCIDRs);
  }

  get allocatedCount(): number { return this.allocated; }

  private subnet(i: number): string {
    return formatIpv4Cidr({ base: this.cluster.base + i * size(this.nodeMaskSize), prefix: this.nodeMaskSize });
  }

  /** The next free subnet, or a CIDRSetError when the range is exhausted. */
  allocateNext(): string {
    if (this.allocated >= this.maxCIDRs) throw new CIDRSetError('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
    for (let k = 0; k < this.maxCIDRs; k++) {
      const i = (this.nextCandidate + k) % this.maxCIDRs;
      if (this.used[i]) continue;
      this.used[i] = 1;
      this.allocated++;
      this.nextCandidate = (i + 1) % this.maxCIDRs;
      return this.subnet(i);
    }
    throw new CIDRSetError('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
  }

  /** The subnet indexes a CIDR covers inside the cluster range ([] when it does not overlap). */
  private indexes(cidr: string): number[] {
    const r = parseIpv4Cidr(cidr);
    if (!r) throw new CIDRSetError(`invalid CIDR ${JSON.stringify(cidr)}`);
    const lo = Math.max(r.base, this.cluster.base);
    const hi = Math.min(r.base + size(r.prefix), this.cluster.base + size(this.cluster.prefix));
    if (lo >= hi) return [];
    const step = size(this.nodeMaskSize);
    const first = Math.floor((lo - this.cluster.base) / step);
    const last = Math.floor((hi - 1 - this.cluster.base) / step);
    return Array.from({ length: last - first + 1 }, (_, k) => first + k);
  }

  /** Marks a CIDR (a node's existing podCIDR, or the service range) as used. Idempotent. */
  occupy(cidr: string): void {
    for (const i of this.indexes(cidr)) {
      if (!this.used[i]) this.allocated++;
      this.used[i] = 1;
    }
  }

  release(cidr: string): void {
    for (const i of this.indexes(cidr)) {
      if (this.used[i]) this.allocated--;
      this.used[i] = 0;
    }
  }

  /** Whether the CIDR lies inside the cluster range (a node's podCIDR from elsewhere may not). */
  contains(cidr: string): boolean {
    const r = parseIpv4Cidr(cidr);
    return !!r && r.prefix >= this.cluster.prefix && r.base >= this.cluster.base && r.base < this.cluster.base + size(this.cluster.prefix);
  }
}
