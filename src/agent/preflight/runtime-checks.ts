// Checks about how containers will run here, beyond binaries: a sandbox image available offline,
// and whether containers' oom_score_adj may be lowered (restricted environments lack the
// capability; the agent then has containerd clamp it instead of failing every sandbox).
import { findStaticBusybox } from '../images/builtin-pause.js';
import { hasCapability } from '../runtime/cri/containerd/config.js';
import type { PreflightCheck } from './types.js';

const CAP_SYS_RESOURCE = 24;

export function checkPauseImage(busybox = findStaticBusybox()): PreflightCheck {
  return busybox
    ? { name: 'pause image', status: 'ok', message: `kites.local/pause can be built from ${busybox}` }
    : { name: 'pause image', status: 'warn', message: 'no static busybox (apt-get install busybox-static): pass --pause-image with an image in <data-dir>/agent/images or a reachable registry' };
}

export function checkOomScoreAdj(status?: string): PreflightCheck {
  return hasCapability(CAP_SYS_RESOURCE, status)
    ? { name: 'oom_score_adj', status: 'ok', message: 'CAP_SYS_RESOURCE held: QoS oom_score_adj applied as the kubelet sets it' }
    : { name: 'oom_score_adj', status: 'warn', message: 'no CAP_SYS_RESOURCE (a restricted sandbox): containerd keeps containers at or above its own oom_score_adj (restrict_oom_score_adj)' };
}
