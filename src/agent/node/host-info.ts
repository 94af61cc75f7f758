// Facts about this machine for the Node object: identity (machine-id, boot id), kernel and OS,
// architecture, CPU, memory, the data directory's filesystem, and the node's address.
import { readFileSync, statfsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cpus, hostname, networkInterfaces, release, totalmem, freemem } from 'node:os';

export interface HostFacts {
  hostname: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  cpuCores: number;
  memoryBytes: number;
  /** Size of the filesystem holding the data directory. */
  storageBytes: number;
}

function readFirst(paths: string[]): string | undefined {
  for (const p of paths) {
    try {
      const v = readFileSync(p, 'utf8').trim();
      if (v) return v;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** The first non-internal IPv4 address of the host, else 127.0.0.1. */
export function defaultNodeAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function goArch(arch: string = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

function osImage(): string {
  const text = readFirst(['/etc/os-release', '/usr/lib/os-release']) ?? '';
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m?.[1] ?? 'Linux';
}

export function filesystemBytes(dir: string): { total: number; free: number } {
  try {
    const s = statfsSync(dir);
    return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    return { total: 0, free: 0 };
  }
}

export function gatherHostFacts(dataDir: string): HostFacts {
  const host = hostname();
  const machineID = readFirst(['/etc/machine-id', '/var/lib/dbus/machine-id']) ?? createHash('sha256').update(host).digest('hex').slice(0, 32);
  const systemUUID = readFirst(['/sys/class/dmi/id/product_uuid']) ?? machineID.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
  return {
    hostname: host,
    machineID,
    systemUUID,
    bootID: readFirst(['/proc/sys/kernel/random/boot_id']) ?? '',
    kernelVersion: release(),
    osImage: osImage(),
    architecture: goArch(),
    cpuCores: cpus().length || 1,
    memoryBytes: totalmem(),
    storageBytes: filesystemBytes(dataDir).total,
  };
}

export function freeMemoryBytes(): number {
  return freemem();
}
