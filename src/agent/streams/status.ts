// The meta/v1 Status documents the exec and attach error channel carries, as the kubelet writes
// them (k8s.io/kubelet remotecommand): Success, NonZeroExitCode with the exit code as an
// `ExitCode` cause (kubectl exits with that number), or InternalError. Like upstream, `code` is
// left out where the kubelet leaves it zero.
import type { StatusDetails } from '../../api/errors.js';

export interface ChannelStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

export function successStatus(): ChannelStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
}

export function exitCodeStatus(command: string[], exitCode: number): ChannelStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

export function internalErrorStatus(message: string): ChannelStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}
