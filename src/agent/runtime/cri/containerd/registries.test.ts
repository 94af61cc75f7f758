import { describe, expect, it } from 'vitest';
import { parseRegistries, registryToml, RegistriesFileError } from './registries.js';
import { containerdPaths, renderContainerdConfig } from './config.js';

const yamlText = `
mirrors:
  docker.io:
    endpoint:
      - "http://127.0.0.1:5000"
      - https://mirror.example.com
    rewrite:
      "^rancher/(.*)": "mirror/rancher-images/$1"
  "*":
    endpoint: ["https://all.example.com"]
configs:
  "mirror.example.com":
    auth:
      username: alice
      password: "p\\"w"
    tls:
      ca_file: /etc/ssl/ca.pem
      insecure_skip_verify: true
  "127.0.0.1:5000":
    auth:
      identitytoken: tok
`;

describe('registries.yaml', () => {
  it('parses mirrors and configs', () => {
    const r = parseRegistries(yamlText);
    expect(r.mirrors['docker.io']).toEqual({ endpoint: ['http://127.0.0.1:5000', 'https://mirror.example.com'], rewrite: { '^rancher/(.*)': 'mirror/rancher-images/$1' } });
    expect(r.mirrors['*']!.endpoint).toEqual(['https://all.example.com']);
    expect(r.configs['mirror.example.com']).toEqual({ auth: { username: 'alice', password: 'p"w' }, tls: { ca_file: '/etc/ssl/ca.pem', insecure_skip_verify: true } });
    expect(r.configs['127.0.0.1:5000']).toEqual({ auth: { identitytoken: 'tok' } });
  });

  it('accepts an empty file and rejects bad shapes', () => {
    expect(parseRegistries('')).toEqual({ mirrors: {}, configs: {} });
    expect(() => parseRegistries('mirrors: [1]')).toThrow(RegistriesFileError);
    expect(() => parseRegistries('mirrors:\n  a:\n    endpoint: x')).toThrow(/mirrors.a.endpoint/);
  });

  it('renders containerd 1.6 CRI registry tables, dropping rewrites with a warning', () => {
    const warnings: string[] = [];
    const toml = registryToml(parseRegistries(yamlText), (m) => warnings.push(m));
    expect(toml).toContain('[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://127.0.0.1:5000", "https://mirror.example.com"]');
    expect(toml).toContain('[plugins."io.containerd.grpc.v1.cri".registry.mirrors."*"]');
    expect(toml).toContain('[plugins."io.containerd.grpc.v1.cri".registry.configs."mirror.example.com".auth]\n  username = "alice"\n  password = "p\\"w"');
    expect(toml).toContain('[plugins."io.containerd.grpc.v1.cri".registry.configs."mirror.example.com".tls]\n  ca_file = "/etc/ssl/ca.pem"\n  insecure_skip_verify = true');
    expect(toml).toContain('.configs."127.0.0.1:5000".auth]\n  identitytoken = "tok"');
    expect(toml).toContain('.mirrors."mirror.example.com"]\n  endpoint = ["https://mirror.example.com"]');
    expect(toml).not.toContain('.mirrors."127.0.0.1:5000"]');
    expect(toml).not.toContain('rewrite');
    expect(warnings).toHaveLength(1);
  });
});

describe('containerd config', () => {
  it('keeps the socket in the data dir unless the path is too long for a unix socket', () => {
    expect(containerdPaths('/var/lib/kites').socket).toBe('/var/lib/kites/agent/containerd/containerd.sock');
    const deep = '/tmp/' + 'x'.repeat(90);
    const p = containerdPaths(deep);
    expect(p.socket).toMatch(/^\/run\/kites\/[0-9a-f]{12}\/containerd\.sock$/);
    expect(containerdPaths(deep).socket).toBe(p.socket);
    expect(p.root).toBe(`${deep}/agent/containerd/root`);
  });

  it('renders a version 2 config with the CRI settings', () => {
    const toml = renderContainerdConfig({ paths: containerdPaths('/d'), pauseImage: 'registry.k8s.io/pause:3.9', cniBinDir: '/usr/lib/cni', cniConfDir: '/d/cni' });
    expect(toml).toMatch(/^version = 2$/m);
    expect(toml).toContain('root = "/d/agent/containerd/root"');
    expect(toml).toContain('[grpc]\n  address = "/d/agent/containerd/containerd.sock"');
    expect(toml).toContain('sandbox_image = "registry.k8s.io/pause:3.9"');
    expect(toml).toContain('SystemdCgroup = false');
    expect(toml).toContain('bin_dir = "/usr/lib/cni"');
    expect(toml).toContain('stream_server_port = "0"');
  });
});
