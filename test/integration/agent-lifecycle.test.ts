import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { agentEnv, pod, podWhere, waitFor, type AgentEnv } from './agent-helpers.js';
import { parseCriLogLine } from '../../src/agent/index.js';

async function logOf(env: AgentEnv, name: string, container?: string, previous = false): Promise<string> {
  const c = await env.agent.locator.find('default', name, container);
  const path = previous ? c?.previousLogPath : c?.logPath;
  if (!path) return '';
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => parseCriLogLine(l)?.content).join('\n');
  } catch {
    return '';
  }
}

const cond = (p: any, type: string) => p.status?.conditions?.find((c: any) => c.type === type)?.status;

describe('node agent: pod lifecycle on the process runtime', () => {
  let env: AgentEnv;
  beforeAll(async () => { env = await agentEnv(); });
  afterAll(async () => { await env.stop(); });

  it('builds the environment from literals, ConfigMaps, Secrets, the downward API and resources', async () => {
    const cms = env.t.client.resource({ group: '', version: 'v1', resource: 'configmaps', namespaced: true });
    const secrets = env.t.client.resource({ group: '', version: 'v1', resource: 'secrets', namespaced: true });
    await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { COLOR: 'blue' } });
    await secrets.create('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } });
    await env.pods.create('default', pod('envy', {
      restartPolicy: 'Never',
      containers: [{
        name: 'main', image: 'busybox',
        command: ['sh', '-c', 'echo "COLOR=$COLOR PASS=$PASS ME=$ME PLAIN=$PLAIN IP=$IP MEM=$MEM LBL=$LBL CFG_COLOR=$CFG_COLOR EXP=$EXP"'],
        resources: { limits: { memory: '64Mi' } },
        envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'CFG_', configMapRef: { name: 'settings' } }],
        env: [
          { name: 'PLAIN', value: 'literal' },
          { name: 'EXP', value: '$(PLAIN)-$$(PLAIN)-$(NOPE)' },
          { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
          { name: 'ME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'LBL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
        ],
      }],
    }, { labels: { app: 'web' } }));
    await podWhere(env, 'envy', (p) => p.status?.phase === 'Succeeded');
    expect(await waitFor(async () => (await logOf(env, 'envy')) || undefined)).toBe(
      'COLOR=blue PASS=s3cret ME=envy PLAIN=literal IP=127.0.0.1 MEM=64 LBL=web CFG_COLOR=blue EXP=literal-$(PLAIN)-$(NOPE)',
    );
  });

  it('uses the log tail as termination message with FallbackToLogsOnError', async () => {
    await env.pods.create('default', pod('lastwords', {
      restartPolicy: 'Never',
      containers: [{ name: 'c', image: 'busybox', terminationMessagePolicy: 'FallbackToLogsOnError', command: ['sh', '-c', 'echo first; echo "it broke" >&2; exit 2'] }],
    }));
    const p = await podWhere(env, 'lastwords', (x) => x.status?.phase === 'Failed');
    expect(p.status!.containerStatuses[0].state.terminated.message.split('\n').sort()).toEqual(['first', 'it broke']);
  });

  it('mounts a claim bound to a hostPath volume, waiting with FailedMount until it is bound', async () => {
    const dir = `${env.dir}/pv1`;
    const pvs = env.t.client.resource({ group: '', version: 'v1', resource: 'persistentvolumes', namespaced: false });
    const pvcs = env.t.client.resource({ group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true });
    await pvs.create(undefined, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: dir } } });
    await pvcs.create('default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    await env.pods.create('default', pod('claimer', {
      restartPolicy: 'Never', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo stored > $KITES_VOLUME_DATA/file'], volumeMounts: [{ name: 'data', mountPath: dir }] }],
    }));
    const events = env.t.client.resource({ group: '', version: 'v1', resource: 'events', namespaced: true });
    await waitFor(async () => (await events.list('default')).items.some((e: any) => e.reason === 'FailedMount' && /persistentvolumeclaim "data" is not bound/.test(e.message)) || undefined);
    const claim = await pvcs.get('default', 'data') as any;
    claim.spec.volumeName = 'pv1';
    const updated = await pvcs.update('default', claim) as any;
    updated.status = { phase: 'Bound' };
    await pvcs.updateStatus('default', updated);
    await podWhere(env, 'claimer', (x) => x.status?.phase === 'Succeeded', 8000);
    expect(readFileSync(`${dir}/file`, 'utf8')).toBe('stored\n');
  });

  it('reports CreateContainerConfigError for a missing ConfigMap key', async () => {
    await env.pods.create('default', pod('nocfg', {
      containers: [{ name: 'main', image: 'busybox', command: ['sleep', '30'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope' } } }] }],
    }));
    const p = await podWhere(env, 'nocfg', (x) => !!x.status?.containerStatuses?.[0]?.state?.waiting?.message);
    expect(p.status!.containerStatuses[0].state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: "couldn't find key nope in ConfigMap default/settings" });
    expect(p.status!.phase).toBe('Pending');
  });

  it('runs init containers in order before the app containers, with emptyDir shared', async () => {
    await env.pods.create('default', pod('staged', {
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        { name: 'first', image: 'busybox', command: ['sh', '-c', 'echo one > $KITES_VOLUME_WORK/order; echo init-done'], volumeMounts: [{ name: 'work', mountPath: '/nonexistent-kites/work' }] },
        { name: 'second', image: 'busybox', command: ['sh', '-c', 'echo two >> $KITES_VOLUME_WORK/order'], volumeMounts: [{ name: 'work', mountPath: '/nonexistent-kites/work' }] },
      ],
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'cat $KITES_VOLUME_WORK/order; sleep 30'], volumeMounts: [{ name: 'work', mountPath: '/nonexistent-kites/work' }] }],
    }));
    const p = await podWhere(env, 'staged', (x) => cond(x, 'Ready') === 'True');
    expect(p.status!.initContainerStatuses.map((s: any) => s.state.terminated?.reason)).toEqual(['Completed', 'Completed']);
    expect(cond(p, 'Initialized')).toBe('True');
    expect(await logOf(env, 'staged', 'first')).toBe('init-done');
    expect(await waitFor(async () => (await logOf(env, 'staged')) || undefined)).toBe('one\ntwo');
    const events = await env.t.client.resource({ group: '', version: 'v1', resource: 'events', namespaced: true }).list('default');
    expect(events.items.some((e: any) => e.reason === 'FailedMount' && /cannot mount volume "work" at \/nonexistent-kites\/work/.test(e.message))).toBe(true);
  });

  it('runs sidecars (init containers with restartPolicy Always) alongside the app and stops them when it is done', async () => {
    await env.pods.create('default', pod('sidecar', {
      restartPolicy: 'Never',
      initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.05; done'] }],
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'sleep 0.5; echo main-done'] }],
    }));
    const running = await podWhere(env, 'sidecar', (x) => x.status?.phase === 'Running' && !!x.status.initContainerStatuses?.[0]?.state?.running);
    expect(running.status!.initContainerStatuses[0].started).toBe(true);
    expect(cond(running, 'Initialized')).toBe('True');
    const done = await podWhere(env, 'sidecar', (x) => x.status?.phase === 'Succeeded', 8000);
    expect(done.status!.initContainerStatuses[0].state.terminated).toBeTruthy();
    expect(done.status!.containerStatuses[0].state.terminated.reason).toBe('Completed');
  });

  it('restarts a crashing container with back-off and reports CrashLoopBackOff', async () => {
    await env.pods.create('default', pod('crash', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo attempt; exit 1'] }] }));
    const p = await podWhere(env, 'crash', (x) => x.status?.containerStatuses?.[0]?.restartCount >= 2 && x.status!.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff', 15000);
    const cs = p.status!.containerStatuses[0];
    expect(cs.state.waiting.message).toMatch(/^back-off \d+s restarting failed container=c pod=crash_default\(/);
    expect(cs.lastState.terminated.exitCode).toBe(1);
    expect(p.status!.phase).toBe('Running');
    expect(await logOf(env, 'crash', undefined, true)).toContain('attempt');
    const events = await env.t.client.resource({ group: '', version: 'v1', resource: 'events', namespaced: true }).list('default');
    expect(events.items.some((e: any) => e.reason === 'BackOff' && e.involvedObject.name === 'crash')).toBe(true);
  });

  it('restarts on liveness failure and follows readiness', async () => {
    await env.pods.create('default', pod('sick', {
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 30'], livenessProbe: { exec: { command: ['sh', '-c', 'exit 1'] }, periodSeconds: 1, failureThreshold: 1 } }],
    }));
    await env.pods.create('default', pod('flaky', {
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 30'], readinessProbe: { exec: { command: ['sh', '-c', 'test -f $HOME/ready'] }, periodSeconds: 1 } }],
    }));
    await podWhere(env, 'sick', (x) => x.status?.containerStatuses?.[0]?.restartCount >= 1, 15000);
    const flaky = await podWhere(env, 'flaky', (x) => x.status?.phase === 'Running');
    expect(cond(flaky, 'Ready')).toBe('False');
    const c = await env.agent.locator.find('default', 'flaky');
    await c!.runtime.execSync(c!.containerId, ['sh', '-c', 'touch $HOME/ready'], 2000);
    await podWhere(env, 'flaky', (x) => cond(x, 'Ready') === 'True', 5000);
    await c!.runtime.execSync(c!.containerId, ['sh', '-c', 'rm $HOME/ready'], 2000);
    await podWhere(env, 'flaky', (x) => cond(x, 'Ready') === 'False', 8000);
    const events = await env.t.client.resource({ group: '', version: 'v1', resource: 'events', namespaced: true }).list('default');
    expect(events.items.some((e: any) => e.reason === 'Killing' && /failed liveness probe, will be restarted/.test(e.message))).toBe(true);
    expect(events.items.some((e: any) => e.reason === 'Unhealthy' && /^Liveness probe failed/.test(e.message))).toBe(true);
  }, 20000);

  it('runs postStart and preStop hooks (preStop before SIGTERM) on a hostPath volume', async () => {
    const dir = `${env.dir}/hooks`;
    await env.pods.create('default', pod('hooked', {
      volumes: [{ name: 'out', hostPath: { path: dir, type: 'DirectoryOrCreate' } }],
      containers: [{
        name: 'c', image: 'busybox', volumeMounts: [{ name: 'out', mountPath: dir }],
        command: ['sh', '-c', `trap "echo term >> ${dir}/log; exit 0" TERM; while true; do sleep 0.05; done`],
        lifecycle: {
          postStart: { exec: { command: ['sh', '-c', `echo poststart >> ${dir}/log`] } },
          preStop: { exec: { command: ['sh', '-c', `echo prestop >> ${dir}/log`] } },
        },
      }],
    }));
    await podWhere(env, 'hooked', (x) => cond(x, 'Ready') === 'True');
    await env.pods.delete('default', 'hooked');
    await waitFor(async () => env.pods.get('default', 'hooked').then(() => undefined, () => true), 8000, 'pod removed');
    expect(readFileSync(`${dir}/log`, 'utf8')).toBe('poststart\nprestop\nterm\n');
  });

  it('restarts a container whose image changed', async () => {
    await env.pods.create('default', pod('reimage', { containers: [{ name: 'c', image: 'busybox:1', command: ['sleep', '30'] }] }));
    const p = await podWhere(env, 'reimage', (x) => x.status?.phase === 'Running');
    await env.pods.patch('default', 'reimage', 'json', [{ op: 'replace', path: '/spec/containers/0/image', value: 'busybox:2' }]);
    const after = await podWhere(env, 'reimage', (x) => x.status?.containerStatuses?.[0]?.restartCount === 1 && !!x.status.containerStatuses[0].state.running);
    expect(after.status!.containerStatuses[0].image).toBe('busybox:2');
    expect(after.status!.containerStatuses[0].containerID).not.toBe(p.status!.containerStatuses[0].containerID);
  });

  it('rejects a pod whose hostPort is taken on the node', async () => {
    const spec = { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'], ports: [{ containerPort: 18080, hostPort: 18080 }] }] };
    await env.pods.create('default', pod('port-a', spec));
    await podWhere(env, 'port-a', (x) => x.status?.phase === 'Running');
    await env.pods.create('default', pod('port-b', spec));
    const b = await podWhere(env, 'port-b', (x) => x.status?.phase === 'Failed');
    expect(b.status!.reason).toBe('NodePorts');
    expect(b.status!.message).toMatch(/^Pod was rejected: /);
    await env.pods.delete('default', 'port-b');
    await waitFor(async () => env.pods.get('default', 'port-b').then(() => undefined, () => true), 5000, 'rejected pod removed');
  });

  it('fails a pod past activeDeadlineSeconds', async () => {
    await env.pods.create('default', pod('late', { activeDeadlineSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'] }] }));
    const p = await podWhere(env, 'late', (x) => x.status?.phase === 'Failed', 8000);
    expect(p.status!.reason).toBe('DeadlineExceeded');
  });
});
