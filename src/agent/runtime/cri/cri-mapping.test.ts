// The kubelet's CRI request building, checked without a runtime: resources, security contexts,
// sandbox and container configs, and status conversion.
import { describe, it, expect } from 'vitest';
import { containerConfig, sandboxConfig } from '../testing/conformance.js';
import { containerQOSClass, linuxContainerResources, milliCPUToQuota, milliCPUToShares, oomScoreAdj } from './linux-resources.js';
import { ContainerConfigRefusedError, DEFAULT_MASKED_PATHS, effectiveSecurityContext, verifyRunAsNonRoot } from './security-context.js';
import { criSandboxConfig, namespaceOptions } from './sandbox-config.js';
import { criContainerConfig } from './container-config.js';
import { containerStatus, sandboxStatus } from './status-mapping.js';
import { createCriRuntime } from './index.js';
import { createLogger } from '../../../api/log.js';

const GiB = 1024 ** 3;

describe('linux resources', () => {
  it('turns cpu requests into shares and limits into a CFS quota, as the kubelet does', () => {
    expect([milliCPUToShares(0), milliCPUToShares(1), milliCPUToShares(250), milliCPUToShares(2000)]).toEqual([2, 2, 256, 2048]);
    expect([milliCPUToQuota(0), milliCPUToQuota(5), milliCPUToQuota(500)]).toEqual([0, 1000, 50_000]);
    expect(linuxContainerResources({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, { memoryCapacityBytes: 4 * GiB })).toEqual({
      cpu_shares: 256, cpu_period: 100_000, cpu_quota: 50_000, memory_limit_in_bytes: 128 * 1024 * 1024, oom_score_adj: 985,
    });
  });

  it('defaults requests to limits and scores OOM by QoS class', () => {
    expect(containerQOSClass(undefined)).toBe('BestEffort');
    expect(containerQOSClass({ limits: { cpu: '1', memory: '1Gi' } })).toBe('Guaranteed');
    expect(containerQOSClass({ requests: { cpu: '1' } })).toBe('Burstable');
    expect(linuxContainerResources({ limits: { cpu: '1', memory: '1Gi' } }, { memoryCapacityBytes: 4 * GiB })).toMatchObject({ cpu_shares: 1024, oom_score_adj: -997 });
    expect(linuxContainerResources(undefined, { memoryCapacityBytes: 4 * GiB })).toEqual({ cpu_shares: 2, oom_score_adj: 1000 });
    expect(oomScoreAdj('Burstable', 4 * GiB, 4 * GiB)).toBe(3);
    expect(oomScoreAdj('Burstable', 0, 4 * GiB)).toBe(999);
  });
});

describe('security context', () => {
  it('merges the container over the pod and adds fsGroup to the supplemental groups', () => {
    const eff = effectiveSecurityContext(
      { runAsUser: 1000, runAsGroup: 2000, supplementalGroups: [3000], fsGroup: 4000, seccompProfile: { type: 'RuntimeDefault' } },
      { runAsUser: 1234, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } },
      { seccompRoot: '/var/lib/kites/seccomp' },
    );
    expect(eff.context).toEqual({
      privileged: false, readonly_rootfs: true, supplemental_groups: [3000, 4000], no_new_privs: true,
      masked_paths: DEFAULT_MASKED_PATHS, readonly_paths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      seccomp: { profile_type: 'RuntimeDefault' }, capabilities: { add_capabilities: ['NET_ADMIN'], drop_capabilities: ['ALL'] },
      run_as_user: { value: 1234 }, run_as_group: { value: 2000 },
    });
  });

  it('leaves /proc unmasked and seccomp unconfined for privileged containers', () => {
    const eff = effectiveSecurityContext(undefined, { privileged: true, seccompProfile: { type: 'RuntimeDefault' } }, { seccompRoot: '/s' });
    expect([eff.context.masked_paths, eff.context.readonly_paths, eff.context.seccomp]).toEqual([[], [], { profile_type: 'Unconfined' }]);
    expect(effectiveSecurityContext(undefined, { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }, { seccompRoot: '/s' }).context.seccomp)
      .toEqual({ profile_type: 'Localhost', localhost_ref: '/s/p.json' });
  });

  it('checks runAsNonRoot against runAsUser or the image user', () => {
    const eff = (sc: Record<string, unknown>) => effectiveSecurityContext({ runAsNonRoot: true }, sc, { seccompRoot: '/s' });
    expect(() => verifyRunAsNonRoot(eff({}), { uid: 0 }, 'x')).toThrow(ContainerConfigRefusedError);
    expect(() => verifyRunAsNonRoot(eff({}), {}, 'x')).toThrow(/image will run as root/);
    expect(() => verifyRunAsNonRoot(eff({}), { username: 'app' }, 'x')).toThrow(/non-numeric user \(app\)/);
    expect(() => verifyRunAsNonRoot(eff({ runAsUser: 0 }), { uid: 5 }, 'x')).toThrow(/runAsUser breaks non-root policy/);
    expect(() => verifyRunAsNonRoot(eff({}), { uid: 5 }, 'x')).not.toThrow();
    expect(() => verifyRunAsNonRoot(eff({ runAsNonRoot: false }), { uid: 0 }, 'x')).not.toThrow();
  });
});

describe('sandbox and container configs', () => {
  const sb = {
    ...sandboxConfig('/d', 'web'), hostNetwork: false, hostname: 'web-0',
    dnsConfig: { servers: ['10.0.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
    portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' as const }, { containerPort: 53, protocol: 'UDP' as const }],
    linux: { securityContext: { runAsUser: 1000, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } },
  };

  it('builds the sandbox config the kubelet sends', () => {
    expect(criSandboxConfig(sb, { seccompRoot: '/s' })).toEqual({
      metadata: { name: 'web', uid: 'uid-web', namespace: 'default', attempt: 0 },
      hostname: 'web-0', log_directory: '/d/logs/web',
      dns_config: { servers: ['10.0.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
      port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '' }, { protocol: 'UDP', container_port: 53, host_port: 0, host_ip: '' }],
      labels: { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-web' }, annotations: {},
      linux: {
        security_context: {
          namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' }, supplemental_groups: [], privileged: false,
          seccomp: { profile_type: 'Unconfined' }, run_as_user: { value: 1000 },
        },
        sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
      },
    });
    // host-network pods get the node's hostname: the kubelet sends none
    expect(criSandboxConfig({ ...sb, hostNetwork: true }, { seccompRoot: '/s' }).hostname).toBe('');
    expect(namespaceOptions({ ...sb, hostNetwork: true, linux: { hostPID: true, hostIPC: true } })).toEqual({ network: 'NODE', pid: 'NODE', ipc: 'NODE' });
    expect(namespaceOptions({ ...sb, linux: { shareProcessNamespace: true } }).pid).toBe('POD');
    expect((criSandboxConfig({ ...sb, linux: { sysctls: { 'kernel.shm_rmid_forced': '1' } } }, { seccompRoot: '/s' }).linux as { sysctls: unknown }).sysctls)
      .toEqual({ 'kernel.shm_rmid_forced': '1' });
  });

  it('builds the container config with a log path relative to the sandbox log directory', async () => {
    const c = containerConfig('/d', 'app', [], {
      args: ['-v'], workingDir: '/w', env: [{ name: 'A', value: 'b' }], logPath: '/d/logs/web/app/0.log',
      mounts: [{ containerPath: '/data', hostPath: '/h', readOnly: true, propagation: 'hostToContainer' }],
    });
    const cfg = await criContainerConfig(c, sb, { memoryCapacityBytes: GiB, seccompRoot: '/s', imageUser: async () => ({ uid: 0 }) });
    expect(cfg).toMatchObject({
      metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox' }, command: [], args: ['-v'], working_dir: '/w',
      envs: [{ key: 'A', value: 'b' }], log_path: 'app/0.log', stdin: false, stdin_once: false, tty: false,
      labels: { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-web', 'io.kubernetes.container.name': 'app' },
      annotations: { 'io.kubernetes.container.restartCount': '0' },
      mounts: [{ container_path: '/data', host_path: '/h', readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' }],
      linux: { security_context: { run_as_user: { value: 1000 }, namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    });
    await expect(criContainerConfig({ ...c, securityContext: { runAsNonRoot: true, runAsUser: undefined } }, { ...sb, linux: {} }, {
      memoryCapacityBytes: GiB, seccompRoot: '/s', imageUser: async () => ({ uid: 0 }),
    })).rejects.toThrow(/container has runAsNonRoot and image will run as root \(pod: "web_default\(uid-web\)", container: app\)/);
  });
});

describe('status mapping', () => {
  it('converts sandbox statuses (pod IPs, node IPs for host network, ns to ms)', () => {
    const base = { id: 's', metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 1 }, state: 'SANDBOX_READY', created_at: 1_700_000_000_123_456_789, labels: {}, annotations: {} };
    expect(sandboxStatus({ ...base, network: { ip: '10.1.0.5', additional_ips: [{ ip: 'fd00::5' }] } }, ['192.0.2.1'])).toEqual({
      id: 's', state: 'ready', createdAt: 1_700_000_000_123, ips: ['10.1.0.5', 'fd00::5'], metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 1 },
    });
    const host = sandboxStatus({ ...base, state: 'SANDBOX_NOTREADY', network: { ip: '', additional_ips: [] }, linux: { namespaces: { options: { network: 'NODE' } } } }, ['192.0.2.1']);
    expect([host.state, host.ips]).toEqual(['notready', ['192.0.2.1']]);
  });

  it('converts container statuses', () => {
    const st = containerStatus({
      id: 'c', metadata: { name: 'app', attempt: 2 }, state: 'CONTAINER_EXITED', created_at: 1e18, started_at: 2e18, finished_at: 3e18, exit_code: 137,
      image: { image: 'busybox' }, image_ref: 'sha256:x', reason: 'OOMKilled', message: '', labels: {}, log_path: 'app/2.log',
    }, '/logs/pod');
    expect(st).toEqual({
      id: 'c', name: 'app', attempt: 2, state: 'exited', createdAt: 1e12, startedAt: 2e12, finishedAt: 3e12, exitCode: 137,
      reason: 'OOMKilled', image: 'busybox', imageRef: 'sha256:x', logPath: '/logs/pod/app/2.log',
    });
    const created = containerStatus({ ...{ id: 'c', state: 'CONTAINER_CREATED', created_at: 1e18, started_at: 0, finished_at: 0, exit_code: 0, image_ref: '', reason: '', message: '', labels: {}, log_path: '/abs/0.log' } });
    expect([created.state, created.startedAt, created.exitCode, created.logPath]).toEqual(['created', undefined, undefined, '/abs/0.log']);
  });
});

describe('createCriRuntime', () => {
  it('says so when the runtime socket does not exist', async () => {
    await expect(createCriRuntime({ endpoint: '/nonexistent/containerd.sock', log: createLogger({ level: 'error' }), timeoutMs: 2000 }))
      .rejects.toThrow('container runtime is not running: socket /nonexistent/containerd.sock does not exist');
  });
});
