import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { sandboxConfig, containerConfig } from '../testing/conformance.js';
import { ResizeQueue } from '../../streams/exec.js';
import { ProcessRuntime } from './process-runtime.js';
import { findPtyTools, scriptArgs, shellQuote } from './tty.js';
import WebSocket from 'ws';
import { silentLogger } from '../../../api/log.js';
import { startAgentServer } from '../../server/index.js';
import { createTestPki } from '../../streams/testing/fakes.js';

interface Session { out: () => string; stdin: PassThrough; resize: ResizeQueue; done: Promise<number> }

function collector(): { w: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
  return { w, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const hasPty = findPtyTools() !== undefined;

describe('shellQuote / scriptArgs', () => {
  it('quotes every word so the shell re-parses nothing', () => {
    expect(shellQuote(`it's $HOME; \`x\``)).toBe(`'it'\\''s $HOME; \`x\`'`);
    expect(scriptArgs(['echo', 'a b'], { width: 80, height: 24 })).toEqual(['-q', '-e', '-c', `stty rows 24 cols 80 2>/dev/null; exec 'echo' 'a b'`, '/dev/null']);
    expect(scriptArgs(['true'], { width: 0, height: 24 })[3]).toBe(`exec 'true'`);
  });
});

describe.skipIf(!hasPty)('process runtime exec with a tty', () => {
  let dir: string;
  let rt: ProcessRuntime;
  let fallback: ProcessRuntime;
  let id: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kites-tty-'));
    rt = await ProcessRuntime.open({ dataDir: dir, nodeIP: '127.0.0.1', version: 'test', pollIntervalMs: 20 });
    const sb = await rt.runPodSandbox(sandboxConfig(dir));
    id = await rt.createContainer(sb, containerConfig(dir, 'main', ['sleep', '30']), sandboxConfig(dir));
    await rt.startContainer(id);
    fallback = await ProcessRuntime.open({ dataDir: join(dir, 'other'), nodeIP: '127.0.0.1', version: 'test', ptyTools: null });
  });

  afterAll(async () => {
    await rt.stopContainer(id, 0);
    await rt.close();
    await fallback.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(cmd: string[], on = rt, cid = id): Session {
    const out = collector();
    const stdin = new PassThrough();
    const resize = new ResizeQueue();
    const done = on.exec(cid, cmd, { stdin, stdout: out.w, stderr: out.w, tty: true, resize }).finally(() => resize.end());
    return { out: out.text, stdin, resize, done };
  }

  it('runs the command on a pty of the first size the client sends', async () => {
    const s = start(['sh', '-c', 'tty; stty size']);
    s.resize.push({ width: 100, height: 30 });
    expect(await s.done).toBe(0);
    expect(s.out()).toMatch(/^\/dev\/pts\/\d+\r\n30 100\r\n$/);
  });

  it('resizes the pty (the command gets SIGWINCH) and keeps the exit code', async () => {
    const s = start(['sh', '-c', 'trap "stty size; exit 7" WINCH; echo ready; while :; do sleep 0.05; done']);
    s.resize.push({ width: 80, height: 24 });
    await waitFor(() => s.out().includes('ready'), 'ready');
    s.resize.push({ width: 50, height: 20 });
    expect(await s.done).toBe(7);
    expect(s.out()).toContain('20 50');
  });

  it('passes stdin through the terminal (echoed, as a tty does)', async () => {
    const s = start(['sh', '-c', 'read x; echo got:$x; exit 3']);
    s.resize.push({ width: 80, height: 24 });
    s.stdin.write('hello\n');
    expect(await s.done).toBe(3);
    expect(s.out()).toContain('got:hello');
  });

  it('passes arguments verbatim', async () => {
    const s = start(['sh', '-c', 'printf "%s|" "$@"', 'x', `it's $HOME; \`y\``, '']);
    expect(await s.done).toBe(0);
    expect(s.out()).toBe(`it's $HOME; \`y\`||`);
  });

  it('reports a missing command as the shell does (127)', async () => {
    const s = start(['no-such-command-kites']);
    expect(await s.done).toBe(127);
  });

  it('falls back to pipes without script', async () => {
    const sb = await fallback.runPodSandbox(sandboxConfig(dir, 'p2'));
    const cid = await fallback.createContainer(sb, containerConfig(dir, 'm2', ['sleep', '30']), sandboxConfig(dir, 'p2'));
    await fallback.startContainer(cid);
    try {
      const s = start(['sh', '-c', 'tty; echo err >&2; exit 4'], fallback, cid);
      expect(await s.done).toBe(4);
      expect(s.out()).toContain('not a tty');
      expect(s.out()).toContain('err');
    } finally {
      await fallback.stopContainer(cid, 0);
    }
  });
});

describe.skipIf(!hasPty)('process runtime attach to a tty container', () => {
  it('runs the container on a pty, resizes it for the attaching client, and stops the command itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-tty-attach-'));
    const rt = await ProcessRuntime.open({ dataDir: dir, nodeIP: '127.0.0.1', version: 'test', pollIntervalMs: 20 });
    try {
      const sb = await rt.runPodSandbox(sandboxConfig(dir));
      const cfg = containerConfig(dir, 'main', ['sh', '-c', 'tty; while read x; do echo got:$x; stty size; done'], { tty: true, stdin: true });
      const id = await rt.createContainer(sb, cfg, sandboxConfig(dir));
      await rt.startContainer(id);
      const out = collector();
      const stdin = new PassThrough();
      const resize = new ResizeQueue();
      const attached = rt.attach(id, { stdin, stdout: out.w, tty: true, resize });
      resize.push({ width: 40, height: 10 });
      const until = Date.now() + 5000;
      while (!out.text().includes('10 40') && Date.now() < until) {
        stdin.write('a\n');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out.text()).toContain('got:a');
      expect(out.text()).toContain('10 40');
      await rt.stopContainer(id, 2);
      await attached;
      resize.end();
      const st = await rt.containerStatus(id);
      // the command died of SIGTERM (143), not script's own exit
      expect([st?.state, st?.exitCode]).toEqual(['exited', 143]);
      await rt.removePodSandbox(sb);
    } finally {
      await rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasPty)('tty exec through the agent endpoint (v5.channel.k8s.io)', () => {
  it('delivers the client\'s resize channel to the pty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-tty-ws-'));
    const pki = await createTestPki();
    const rt = await ProcessRuntime.open({ dataDir: dir, nodeIP: '127.0.0.1', version: 'test', pollIntervalMs: 20 });
    const sbCfg = sandboxConfig(dir);
    const sb = await rt.runPodSandbox(sbCfg);
    const cfg = containerConfig(dir, 'main', ['sleep', '30']);
    const id = await rt.createContainer(sb, cfg, sbCfg);
    await rt.startContainer(id);
    const agent = await startAgentServer({
      host: '127.0.0.1', port: 0, tls: { clientCA: pki.clientCA }, log: silentLogger,
      locator: { find: async () => ({ runtime: rt, containerId: id, sandboxId: sb, logPath: cfg.logPath, tty: false, stdin: false }) },
    });
    try {
      const cmd = ['sh', '-c', 'tty; stty size; exit 9'].map((c) => `command=${encodeURIComponent(c)}`).join('&');
      const ws = new WebSocket(`wss://127.0.0.1:${agent.port}/exec/default/pod/main?${cmd}&stdin=1&stdout=1&tty=1`, ['v5.channel.k8s.io'], { ...pki.client, rejectUnauthorized: false });
      const channels = new Map<number, string>();
      ws.on('message', (d: Buffer) => channels.set(d[0]!, (channels.get(d[0]!) ?? '') + d.subarray(1).toString()));
      await new Promise<void>((r, j) => { ws.once('open', () => r()); ws.once('error', j); });
      ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: 91, Height: 33 }))]));
      await new Promise<void>((r) => {
        const t = setTimeout(() => { ws.terminate(); r(); }, 8000);
        ws.once('close', () => { clearTimeout(t); r(); });
      });
      expect(channels.get(1)).toMatch(/^\/dev\/pts\/\d+\r\n33 91\r\n$/);
      const status = JSON.parse(channels.get(3)!) as { status: string; details?: { causes?: { message: string }[] } };
      expect(status.status).toBe('Failure');
      expect(status.details?.causes?.[0]?.message).toBe('9');
    } finally {
      await agent.close();
      await rt.stopContainer(id, 0);
      await rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
