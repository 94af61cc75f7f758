import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caHash, ensureJoinToken, tokenSecret } from './token.js';

describe('join token', () => {
  it('is generated once in the K10<ca hash>::server:<secret> form and kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kites-tok-'));
    try {
      const file = join(dir, 'token');
      const t1 = ensureJoinToken(file, 'CA PEM');
      expect(t1).toMatch(new RegExp(`^K10${caHash('CA PEM')}::server:[0-9a-f]{32}$`));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(ensureJoinToken(file, 'CA PEM')).toBe(t1);
      expect(readFileSync(file, 'utf8').trim()).toBe(t1);
      const given = ensureJoinToken(file, 'CA PEM', 'my-secret');
      expect(tokenSecret(given)).toBe('my-secret');
      expect(ensureJoinToken(file, 'CA PEM')).toBe(given);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
