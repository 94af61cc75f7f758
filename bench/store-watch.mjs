// Runner for bench/store-watch.ts on the TypeScript sources: node bench/store-watch.mjs [watchers] [writes]
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchWatch } = await import('./store-watch.ts');
const [watchers, writes] = process.argv.slice(2).map(Number);
const r = await benchWatch({ watchers: watchers || undefined, writes: writes || undefined });
console.log(`${r.watchers} watchers, ${r.writes} writes (16 concurrent writers): writes done in ${r.writeMs} ms, ` +
  `${r.delivered} events delivered in ${r.deliveredMs} ms`);
