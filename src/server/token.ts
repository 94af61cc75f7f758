// The join token agents present to join the cluster. Same shape as k3s's "secure" token,
// `K10<sha256 of the server CA, hex>::server:<secret>`: the hash lets an agent pin the CA it
// receives on first contact, the secret proves it may join.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export function caHash(caCertPem: string): string {
  return createHash('sha256').update(caCertPem).digest('hex');
}

export function formatJoinToken(caCertPem: string, secret: string): string {
  return `K10${caHash(caCertPem)}::server:${secret}`;
}

/** The secret part of a token given in either form (full K10… or a bare password, as k3s accepts). */
export function tokenSecret(token: string): string {
  const m = /^K10[0-9a-f]{64}::[^:]+:(.+)$/.exec(token);
  return m ? m[1]! : token;
}

/**
 * Returns the cluster's join token: from --token when given (its secret kept, the CA hash ours),
 * else the one stored in `file`, else a new random one. Stores the result in `file` (0600).
 */
export function ensureJoinToken(file: string, caCertPem: string, given?: string): string {
  let secret: string;
  if (given !== undefined && given !== '') secret = tokenSecret(given);
  else if (existsSync(file)) secret = tokenSecret(readFileSync(file, 'utf8').trim());
  else secret = randomBytes(16).toString('hex');
  const token = formatJoinToken(caCertPem, secret);
  const current = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  if (current !== token) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, token + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  }
  return token;
}
