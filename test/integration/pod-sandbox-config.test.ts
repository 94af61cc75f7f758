// What the pod worker asks the runtime for when it creates a sandbox (kubelet's
// generatePodSandboxConfig): hostname, DNS settings from the dnsPolicy, pod security context and
// sysctls. A simulated runtime records the config.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/api/log.js';
import type { KubeObject } from '../../src/api/types.js';
import { realClock } from '../../src/client/clock.js';
import { EventRecorder } from '../../src/client/events/recorder.js';
import { SimulatedRuntime } from '../../src/agent/runtime/simulated/simulated-runtime.js';
import { RecordedImageService } from '../../src/agent/runtime/recorded-images.js';
import type { PodSandboxConfig } from '../../src/agent/runtime/types.js';
import { PodWorker } from '../../src/agent/pods/pod-worker.js';
import type { PodWorkerContext } from '../../src/agent/pods/pod-context.js';
import type { PodObject } from '../../src/agent/pods/pod-types.js';
import { CrashBackoff } from '../../src/agent/pods/crash-backoff.js';
import { StartGate } from '../../src/agent/pods/start-gate.js';
import { waitFor } from '../../src/controllers/common/testing.js';
import { startTestApi, type TestApi } from './harness.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };

class RecordingRuntime extends SimulatedRuntime {
  readonly configs: PodSandboxConfig[] = [];
  override async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.configs.push(config);
    return super.runPodSandbox(config);
  }
}

describe('pod sandbox config', () => {
  let t: TestApi;
  let dir: string;
  let runtime: RecordingRuntime;
  let recorder: EventRecorder;
  const workers: PodWorker[] = [];
  beforeEach(async () => {
    t = await startTestApi();
    dir = mkdtempSync(join(tmpdir(), 'kites-sandbox-'));
    runtime = new RecordingRuntime({ podIP: () => '10.42.0.7', version: 'test' });
    recorder = new EventRecorder({ transport: t.api.inProcessTransport(), component: 'kubelet', host: 'n1' });
    await t.client.resource({ group: '', version: 'v1', resource: 'namespaces', namespaced: false }).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) w.removed();
    await recorder.stop(1000);
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function context(extra: Partial<PodWorkerContext>): PodWorkerContext {
    return {
      runtime, images: new RecordedImageService(), runtimeName: 'simulated', hostProcessMounts: false,
      pods: t.client.resource(podsRef), recorder,
      configMap: async () => undefined, secret: async () => undefined,
      dataDir: dir, podLogsDir: join(dir, 'logs'), nodeName: 'n1', nodeIPs: ['192.0.2.10'],
      allocatable: { cpu: '2', memory: '2Gi' }, backoff: new CrashBackoff(), startGate: new StartGate(4),
      clock: realClock, log: silentLogger, resyncMs: 60_000, onDone: () => {},
      ...extra,
    };
  }
  async function sandboxFor(spec: Record<string, unknown>, extra: Partial<PodWorkerContext>, name = 'web'): Promise<PodSandboxConfig> {
    const pod = await t.client.resource<PodObject>(podsRef).create('shop', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], ...spec },
    } as KubeObject);
    const w = new PodWorker(pod, context(extra));
    workers.push(w);
    w.trigger();
    return waitFor(() => runtime.configs.find((s) => s.uid === pod.metadata.uid), 5000, 'sandbox');
  }

  it('fills hostname, cluster DNS and the pod security context', async () => {
    const sb = await sandboxFor({
      hostname: 'db', subdomain: 'backend',
      securityContext: { runAsUser: 1000, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
      dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    }, { clusterDns: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf: 'nameserver 192.0.2.53\nsearch corp.example\n' });
    expect(sb.hostname).toBe('db');
    expect(sb.dnsConfig).toEqual({ servers: ['10.43.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:2'] });
    expect(sb.linux).toMatchObject({
      securityContext: { runAsUser: 1000 }, sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
      hostPID: false, hostIPC: false, shareProcessNamespace: false, privileged: false,
    });
  });

  it('leaves DNS to the runtime when no cluster DNS is configured (process runtime)', async () => {
    const sb = await sandboxFor({ containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] }, {}, `x${'y'.repeat(70)}`);
    expect(sb.dnsConfig).toBeUndefined();
    expect(sb.hostname).toBe(`x${'y'.repeat(62)}`);
    expect(sb.linux).toMatchObject({ privileged: true });
  });
});
