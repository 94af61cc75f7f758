import { describe, expect, it } from 'vitest';
import { defaultPullPolicy, InvalidImageNameError, parseImageName, repositoryOf } from './image-name.js';
import { goDuration } from './go-duration.js';

describe('image names', () => {
  it('normalizes as the docker reference grammar', () => {
    expect(parseImageName('busybox')).toEqual({ domain: 'docker.io', path: 'library/busybox' });
    expect(parseImageName('busybox:1.36')).toEqual({ domain: 'docker.io', path: 'library/busybox', tag: '1.36' });
    expect(parseImageName('foo/bar:v1')).toEqual({ domain: 'docker.io', path: 'foo/bar', tag: 'v1' });
    expect(parseImageName('127.0.0.1:5000/lib/busybox:1.36')).toEqual({ domain: '127.0.0.1:5000', path: 'lib/busybox', tag: '1.36' });
    expect(parseImageName('localhost/x')).toEqual({ domain: 'localhost', path: 'x' });
    const d = 'sha256:' + 'a'.repeat(64);
    expect(parseImageName(`registry.k8s.io/pause@${d}`)).toEqual({ domain: 'registry.k8s.io', path: 'pause', digest: d });
    expect(repositoryOf(parseImageName('nginx:1.25'))).toBe('docker.io/library/nginx');
  });

  it('rejects what upstream rejects', () => {
    for (const bad of ['', 'Busybox', 'foo/Bar', 'busybox:', 'busybox:-x', 'a//b', 'x@sha256:12']) {
      expect(() => parseImageName(bad), bad).toThrow(InvalidImageNameError);
    }
  });

  it('defaults the pull policy as the API server', () => {
    expect(defaultPullPolicy('busybox')).toBe('Always');
    expect(defaultPullPolicy('busybox:latest')).toBe('Always');
    expect(defaultPullPolicy('busybox:1.36')).toBe('IfNotPresent');
    expect(defaultPullPolicy('127.0.0.1:5000/busybox')).toBe('Always');
  });

  it('formats durations as Go does', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(523.7)).toBe('523ms');
    expect(goDuration(1200)).toBe('1.2s');
    expect(goDuration(10_000)).toBe('10s');
    expect(goDuration(60_000)).toBe('1m0s');
    expect(goDuration(123_004)).toBe('2m3.004s');
    expect(goDuration(3_723_000)).toBe('1h2m3s');
  });
});
