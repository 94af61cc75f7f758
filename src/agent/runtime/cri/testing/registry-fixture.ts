// A password-protected image registry (distribution's `docker-registry`) on 127.0.0.1:5000 inside
// a test network namespace, holding one image pushed with skopeo; for pull and auth tests.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function registryUnavailable(): string | undefined {
  for (const bin of ['/usr/bin/docker-registry', '/usr/bin/skopeo']) if (!existsSync(bin)) return `${bin} is missing`;
  return undefined;
}

export class RegistryFixture {
  readonly host = '127.0.0.1:5000';
  private readonly killOnExit = (): void => { this.proc.kill('SIGKILL'); };

  private constructor(private readonly proc: ChildProcess) {
    process.once('exit', this.killOnExit);
  }

  /** Starts the registry in `netns` with one user, and pushes `archive` (docker-archive) as `repo:tag`. */
  static async start(opts: { dir: string; netns: string; username: string; password: string; archive: string; image: string }): Promise<RegistryFixture> {
    const dir = join(opts.dir, 'registry');
    mkdirSync(dir, { recursive: true });
    const { stdout: hash } = await run('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', opts.password]);
    writeFileSync(join(dir, 'htpasswd'), `${opts.username}:${hash.trim()}\n`);
    writeFileSync(join(dir, 'config.yml'), [
      'version: 0.1',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      '  addr: 127.0.0.1:5000',
      'auth:',
      '  htpasswd:',
      '    realm: kites-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'));
    const log = openSync(join(dir, 'registry.log'), 'a');
    const proc = spawn('nsenter', [`--net=/run/netns/${opts.netns}`, 'docker-registry', 'serve', join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
    closeSync(log);
    const r = new RegistryFixture(proc);
    try {
      const end = Date.now() + 10_000;
      for (;;) {
        const up = await run('nsenter', [`--net=/run/netns/${opts.netns}`, 'busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:5000/v2/'])
          .then(() => true, (e: { stderr?: string }) => /401|Unauthorized/i.test(String(e.stderr ?? '')));
        if (up) break;
        if (proc.exitCode !== null || Date.now() > end) throw new Error('registry did not start');
        await new Promise((res) => setTimeout(res, 100));
      }
      await run('nsenter', [
        `--net=/run/netns/${opts.netns}`, 'skopeo', 'copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', `${opts.username}:${opts.password}`,
        `docker-archive:${opts.archive}`, `docker://${r.host}/${opts.image}`,
      ], { timeout: 60_000 });
      return r;
    } catch (e) {
      await r.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    process.off('exit', this.killOnExit);
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((res) => this.proc.once('exit', () => res()));
    this.proc.kill('SIGTERM');
    await exited;
  }
}
