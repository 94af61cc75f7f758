import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { silentLogger } from '../../api/log.js';
import { importAirgapImages, socketPath } from './airgap.js';

// A stand-in for ctr: records its calls, reads the tarball (from stdin for "-"), and "imports"
// the image named in its first line.
const fakeCtr = `#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/calls"
case "$*" in
  *" images ls -q") cat "$dir/store" 2>/dev/null ;;
  *" images import "*)
    for last; do :; done
    if [ "$last" = "-" ]; then name=$(head -n1); else name=$(head -n1 "$last"); fi
    echo "$name" >> "$dir/store"
    echo "unpacking $name (sha256:0123)...done" ;;
esac
`;

describe('air-gap import', () => {
  let dir: string;
  let images: string;
  let ctr: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kites-airgap-'));
    images = join(dir, 'images');
    ctr = join(dir, 'ctr');
    await writeFile(ctr, fakeCtr);
    await chmod(ctr, 0o755);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const calls = async () => (await readFile(join(dir, 'calls'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

  it('does nothing without the directory', async () => {
    expect(await importAirgapImages({ dir: images, endpoint: 'unix:///x.sock', log: silentLogger, ctr })).toEqual([]);
  });

  it('imports each tarball once, again when it changes or its image is gone', async () => {
    await mkdir(images);
    await writeFile(join(images, 'a.tar'), 'docker.io/library/a:1\n');
    await writeFile(join(images, 'b.tar.gz'), gzipSync('docker.io/library/b:1\n'));
    await writeFile(join(images, 'notes.txt'), 'ignored');
    const opts = { dir: images, endpoint: 'unix:///run/x/containerd.sock', log: silentLogger, ctr };
    expect(await importAirgapImages(opts)).toEqual(['docker.io/library/a:1', 'docker.io/library/b:1']);
    expect(await calls()).toEqual([
      `-a /run/x/containerd.sock -n k8s.io images import ${join(images, 'a.tar')}`,
      '-a /run/x/containerd.sock -n k8s.io images import -',
    ]);
    expect(await importAirgapImages(opts)).toEqual([]);
    expect((await calls()).slice(2)).toEqual(['-a /run/x/containerd.sock -n k8s.io images ls -q']);
    await utimes(join(images, 'a.tar'), new Date(), new Date(Date.now() + 5000));
    expect(await importAirgapImages(opts)).toEqual(['docker.io/library/a:1']);
    await writeFile(join(dir, 'store'), 'docker.io/library/a:1\n');
    expect(await importAirgapImages(opts)).toEqual(['docker.io/library/b:1']);
    expect(JSON.parse(await readFile(`${images}.imported.json`, 'utf8'))['b.tar.gz'].images).toEqual(['docker.io/library/b:1']);
  });

  it('takes endpoints with or without the unix scheme', () => {
    expect(socketPath('unix:///a/b.sock')).toBe('/a/b.sock');
    expect(socketPath('/a/b.sock')).toBe('/a/b.sock');
  });
});
