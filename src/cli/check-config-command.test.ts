import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { buildProgram } from './program.js';
import type { CliIO } from './io.js';

class Exit extends Error {
  constructor(readonly code: number) { super(`exit ${code}`); }
}

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), exit: (code) => { throw new Exit(code); }, onSignal: () => () => {} };
  let code = -1;
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  }
  return { code, out: out.join(''), err: err.join('') };
}

describe('kites check-config', () => {
  it('--help describes the checks and --fix', async () => {
    const r = await run(['check-config', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: kites check-config \[options\]/);
    expect(r.out).toMatch(/--fix/);
    expect(r.out).toMatch(/--cluster-cidr <cidr>/);
    expect(r.out).toMatch(/exits 1 when a check fails/);
  });

  it('refuses a malformed --cluster-cidr', async () => {
    const r = await run(['check-config', '--cluster-cidr', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/expected an IPv4 CIDR/);
  });

  const canNetns = process.getuid?.() === 0 && spawnSync('ip', ['-V']).status === 0 && spawnSync('iptables', ['--version']).status === 0;
  describe.skipIf(!canNetns)('against a test-created network namespace (root)', () => {
    const ns = `kites-test-${randomBytes(4).toString('hex')}`;
    beforeAll(() => {
      execFileSync('ip', ['netns', 'add', ns], { timeout: 10_000 });
      execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0'], { timeout: 10_000 });
    });
    afterAll(() => { spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 }); });

    it('prints one line per check and exits 1 while something fails, 0 once --fix repaired it', async () => {
      const before = await run(['check-config', '--netns', ns]);
      expect(before.out).toMatch(/^FAIL   ip forwarding: net\.ipv4\.ip_forward = 0/m);
      expect(before.out).toMatch(/^(ok|FAIL) +root: /m);
      expect(before.code).toBe(1);
      const fixed = await run(['check-config', '--netns', ns, '--fix']);
      expect(fixed.out).toMatch(/^fixed  ip forwarding: net\.ipv4\.ip_forward was 0, set to 1$/m);
      const failedHost = /^FAIL/m.test(fixed.out);
      expect(fixed.code).toBe(failedHost ? 1 : 0);
    });
  });
});
