// The admin kubeconfig, as k3s writes /etc/rancher/k3s/k3s.yaml: one cluster, user and context,
// all named `default`, with the CA and client credentials inline so the file stands alone.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigContent {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** PEM of the CA that signed the serving certificate. */
  caCert: string;
  clientCert: string;
  clientKey: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export function renderKubeconfig(c: KubeconfigContent): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'default', cluster: { server: c.server, 'certificate-authority-data': b64(c.caCert) } }],
    contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
    'current-context': 'default',
    preferences: {},
    users: [{ name: 'default', user: { 'client-certificate-data': b64(c.clientCert), 'client-key-data': b64(c.clientKey) } }],
  });
}

/**
 * Writes the kubeconfig atomically (temporary file in the same directory, then rename), so a
 * client polling for the file never reads half of it. `mode` defaults to 0600: it holds a key.
 */
export function writeKubeconfig(path: string, c: KubeconfigContent, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, renderKubeconfig(c), { mode });
    chmodSync(tmp, mode); // writeFileSync's mode is filtered by the umask; the flag is not
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Parses a --write-kubeconfig-mode value such as `644` or `0600` (octal, as k3s reads it). */
export function parseFileMode(s: string): number {
  if (!/^0?[0-7]{3}$/.test(s)) throw new Error(`invalid file mode "${s}": expected octal digits such as 0600 or 644`);
  return Number.parseInt(s, 8);
}
