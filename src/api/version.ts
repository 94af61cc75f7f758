// The kites version, read from package.json (the single place it is set). The path is the same
// relative to src/api/ (tests) and dist/api/ (the built command).
import { readFileSync } from 'node:fs';

export function kitesVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
