// The key that signs service-account tokens, kept in the data dir (k3s: server/tls/service.key)
// so tokens stay valid across restarts.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function ensureServiceAccountKey(tlsDir: string): string {
  const file = join(tlsDir, 'service.key');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, pem, { mode: 0o600 });
  renameSync(tmp, file);
  return pem;
}
