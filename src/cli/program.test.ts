import { describe, it, expect } from 'vitest';
import { buildProgram } from './program.js';
import type { CliIO } from './io.js';
import { toServerOptions } from './server-command.js';
import type { Command } from 'commander';
import { join } from 'node:path';

class Exit extends Error {
  constructor(readonly code: number) { super(`exit ${code}`); }
}

function fakeIO() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    exit: (code) => { throw new Exit(code); },
    onSignal: () => () => {},
  };
  return { io, out, err };
}

async function run(args: string[]) {
  const f = fakeIO();
  let code = -1;
  try {
    await buildProgram(f.io).parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  }
  return { code, out: f.out.join(''), err: f.err.join('') };
}

/** Parses `kites server ARGS` into ServerOptions without running the server. */
function parseServer(args: string[]) {
  const program = buildProgram(fakeIO().io);
  const server = program.commands.find((c) => c.name() === 'server') as Command;
  server.action(() => {});
  program.parse(['server', ...args], { from: 'user' });
  return toServerOptions(server.opts() as Parameters<typeof toServerOptions>[0]);
}

describe('kites command', () => {
  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^kites version v\d+\.\d+\.\d+/);
  });

  it('--help lists the commands', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('server');
    expect(r.out).toContain('agent');
  });

  it('server --help documents the k3s-named flags', async () => {
    const r = await run(['server', '--help']);
    expect(r.code).toBe(0);
    for (const f of ['--data-dir', '--https-listen-port', '--bind-address', '--write-kubeconfig ', '--write-kubeconfig-mode', '--datastore-endpoint', '--disable-agent', '--runtime', '--log-level', '--token', '--node-name', '--tls-san', '--cluster-cidr', '--service-cidr', '--cluster-dns', '--cluster-domain', '--lb-address-pool', '--pause-image', '--ingress-http-port', '--ingress-https-port']) {
      expect(r.out).toContain(f);
    }
  });

  it('rejects unknown flags and bad values with a usage error', async () => {
    expect((await run(['server', '--no-such-flag'])).code).toBe(1);
    const bad = await run(['server', '--https-listen-port', 'http']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('expected a port number');
    expect((await run(['server', '--runtime', 'docker'])).err).toContain('Allowed choices are process, containerd, simulated');
  });

  it('checks the networking flags before starting anything', async () => {
    const cases: Array<[string[], string]> = [
      [['--cluster-cidr', '10.42.0.0'], 'expected an IPv4 CIDR'],
      [['--cluster-cidr', '10.42.0.0/26'], 'must be /24 or wider'],
      [['--service-cidr', '10.43.0.0/33'], 'expected an IPv4 CIDR'],
      [['--cluster-dns', 'dns.local'], 'expected an IPv4 address'],
      [['--lb-address-pool', '127.240.0.0/24,bogus'], 'invalid load balancer address pool item "bogus"'],
      [['--disable', 'coredns,kube-router'], 'unknown component kube-router'],
    ];
    for (const [args, message] of cases) {
      const r = await run(['server', ...args]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(message);
    }
  });

  it('agent needs a server and a token', async () => {
    const r = await run(['agent']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('agent needs --server and --token');
  });
});

describe('kites server flags', () => {
  it('defaults follow k3s, with the kubeconfig in the data dir', () => {
    const o = parseServer(['--data-dir', '/tmp/kd']);
    expect(o).toMatchObject({
      dataDir: '/tmp/kd', httpsListenPort: 6443, bindAddress: '0.0.0.0', writeKubeconfig: '/tmp/kd/kubeconfig.yaml',
      writeKubeconfigMode: 0o600, datastoreEndpoint: '', disableAgent: false, logLevel: 'info',
      clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16', clusterDns: '10.43.0.10', clusterDomain: 'cluster.local',
      ingressHttpPort: 80, ingressHttpsPort: 443, tlsSans: [],
    });
  });

  it('makes relative paths absolute', () => {
    const o = parseServer(['--data-dir', 'rel/dd']);
    expect(o.dataDir).toBe(join(process.cwd(), 'rel/dd'));
    expect(o.writeKubeconfig).toBe(join(process.cwd(), 'rel/dd/kubeconfig.yaml'));
  });

  it('takes every flag the acceptance scripts pass', () => {
    const o = parseServer(['--data-dir', '/tmp/kd', '--https-listen-port', '7443', '--write-kubeconfig', '/tmp/kc.yaml',
      '--write-kubeconfig-mode', '644', '--runtime', 'process', '--pause-image', 'kites.local/pause:1', '--lb-address-pool', '10.99.0.0/24',
      '--tls-san', 'a.example', '--tls-san', 'b.example,10.1.1.1', '--disable-agent', '--log-level', 'debug', '--token', 's3cret']);
    expect(o).toMatchObject({
      httpsListenPort: 7443, writeKubeconfig: '/tmp/kc.yaml', writeKubeconfigMode: 0o644, runtime: 'process',
      pauseImage: 'kites.local/pause:1', lbAddressPool: '10.99.0.0/24', tlsSans: ['a.example', 'b.example', '10.1.1.1'],
      disableAgent: true, logLevel: 'debug', token: 's3cret',
    });
  });
});
