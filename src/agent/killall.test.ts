import { describe, expect, it } from 'vitest';
import { otherNodeDataDirs, shimContainer, type Proc } from './killall.js';

const proc = (pid: number, ...cmdline: string[]): Proc => ({ pid, ppid: 1, cmdline });

describe('otherNodeDataDirs', () => {
  it('names the data dirs of other kites containerd daemons and shims, not this one', () => {
    const all = [
      proc(10, 'containerd', '--config', '/tmp/a/agent/containerd/config.toml'),
      proc(11, '/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'x', '-address', '/tmp/a/agent/containerd/containerd.sock'),
      proc(20, '/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'y', '-address', '/tmp/b/agent/containerd/containerd.sock'),
      proc(30, 'containerd', '--config', '/tmp/c/agent/containerd/config.toml'),
      proc(40, '/usr/bin/containerd'), // the machine's own containerd: not a kites node
      proc(50, '/usr/bin/containerd-shim-runc-v2', '-address', '/run/containerd/containerd.sock'),
    ];
    expect(otherNodeDataDirs(all, '/tmp/a').sort()).toEqual(['/tmp/b', '/tmp/c']);
    expect(otherNodeDataDirs(all.slice(0, 2), '/tmp/a')).toEqual([]);
  });
});

describe('shimContainer', () => {
  it('reads -namespace and -id of a runc v2 shim, refusing anything that is not a plain name', () => {
    expect(shimContainer(proc(1, '/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'abc123', '-address', '/s'))).toEqual({ namespace: 'k8s.io', id: 'abc123' });
    expect(shimContainer(proc(1, '/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', '../etc'))).toBeUndefined();
    expect(shimContainer(proc(1, '/usr/bin/containerd-shim-runc-v2', '-id', 'abc'))).toBeUndefined();
  });
});
