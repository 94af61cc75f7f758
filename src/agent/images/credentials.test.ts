import { describe, expect, it } from 'vitest';
import { DockerKeyring, dockerConfigOf } from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('docker keyring', () => {
  it('matches host, port and path prefixes, most specific first', () => {
    const k = new DockerKeyring();
    k.add({
      'quay.io': { username: 'any' },
      'quay.io/coreos': { username: 'coreos' },
      'https://reg.example.com:5000/v2/': { username: 'port' },
      'reg.example.com': { username: 'noport' },
      '*.gcr.io': { username: 'glob' },
    });
    expect(k.lookup('quay.io/coreos/etcd').map((a) => a.username)).toEqual(['coreos', 'any']);
    expect(k.lookup('quay.io/other/x').map((a) => a.username)).toEqual(['any']);
    expect(k.lookup('reg.example.com:5000/a/b').map((a) => a.username)).toEqual(['port']);
    expect(k.lookup('reg.example.com/a').map((a) => a.username)).toEqual(['noport']);
    expect(k.lookup('eu.gcr.io/p/i').map((a) => a.username)).toEqual(['glob']);
    expect(k.lookup('gcr.io/p/i')).toEqual([]);
    expect(k.lookup('a.eu.gcr.io/p/i')).toEqual([]);
  });

  it('applies Docker Hub aliases to docker.io images', () => {
    const k = new DockerKeyring();
    k.add({ 'https://index.docker.io/v1/': { auth: b64('bob:secret') } });
    expect(k.lookup('docker.io/library/busybox')).toEqual([{ username: 'bob', password: 'secret' }]);
    const k2 = new DockerKeyring();
    k2.add({ 'docker.io': { username: 'u', password: 'p' }, 'registry-1.docker.io': { username: 'r' } });
    // A direct match wins; the aliases are a fallback, as upstream's default-registry rule.
    expect(k2.lookup('docker.io/foo/bar').map((a) => a.username)).toEqual(['u']);
    expect(k2.lookup('other.io/foo/bar')).toEqual([]);
  });

  it('reads dockerconfigjson and dockercfg secrets by type', () => {
    const json = { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'r.io': { username: 'a', password: 'b' } } })) } };
    expect(dockerConfigOf(json)).toEqual({ 'r.io': { username: 'a', password: 'b' } });
    const cfg = { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ 'r.io': { auth: b64('x:y') } })) } };
    expect(dockerConfigOf(cfg)).toEqual({ 'r.io': { auth: b64('x:y') } });
    expect(dockerConfigOf({ type: 'Opaque', data: json.data })).toBeUndefined();
    expect(dockerConfigOf({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('not json') } })).toBeUndefined();
  });
});
