// Raw HTTPS requests with the admin credentials of a test cluster: any method, any body bytes,
// any headers — what the robustness tests need beyond cluster.get().
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

interface Credentials { server: string; ca: Buffer; cert: Buffer; key: Buffer }

export function credentials(kubeconfig: string): Credentials {
  const kc = parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
    users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }>;
  };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  return {
    server: kc.clusters[0]!.cluster.server,
    ca: b64(kc.clusters[0]!.cluster['certificate-authority-data']),
    cert: b64(kc.users[0]!.user['client-certificate-data']),
    key: b64(kc.users[0]!.user['client-key-data']),
  };
}

/** Sends one request and collects the whole answer; rejects on a socket error or after timeoutMs. */
export function rawRequest(creds: Credentials, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
    if (r.body !== undefined) headers['content-length'] = Buffer.byteLength(r.body);
    const req = https.request(new URL(r.path, creds.server), { method: r.method, ca: creds.ca, cert: creds.cert, key: creds.key, headers, timeout: r.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${r.method} ${r.path}: timed out`)));
    req.end(r.body);
  });
}
