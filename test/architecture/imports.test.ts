// The layout is the architecture (design/ARCHITECTURE.md): api ← storage ← apiserver; every other
// component depends on api and client only; server/ and cli/ wire everything. Checked over the
// import graph of src/ (tests and test helpers may reach further).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const src = join(root, 'src');

// What each top-level folder may import (besides itself).
const allowed: Record<string, string[]> = {
  api: [],
  storage: ['api'],
  client: ['api'],
  apiserver: ['api', 'storage', 'client'],
  controllers: ['api', 'client'],
  scheduler: ['api', 'client'],
  // the agent hosts the node's share of networking (CNI set-up, service proxy)
  agent: ['api', 'client', 'network'],
  network: ['api', 'client'],
  cloud: ['api', 'client', 'network'],
  dashboard: ['api', 'client'],
  server: ['*'],
  cli: ['*'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const isTestCode = (p: string) => p.endsWith('.test.ts') || p.includes('/testing/') || /fake-|testing\.ts$/.test(p);

describe('import rules', () => {
  it('every component imports only what the architecture allows', () => {
    const violations: string[] = [];
    for (const file of files(src)) {
      if (isTestCode(file)) continue;
      const from = relative(src, file).split('/')[0];
      const rules = allowed[from];
      expect(rules, `unknown top-level folder src/${from}`).toBeDefined();
      if (rules.includes('*')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
        const spec = m[1] ?? m[2];
        const target = relative(src, resolve(dirname(file), spec)).split('/')[0];
        if (target === from || target.startsWith('..')) continue;
        if (!rules.includes(target)) violations.push(`${relative(root, file)} imports src/${target} (${spec})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
