// Runner for bench/scheduler.ts on the TypeScript sources (no build needed):
//   node bench/scheduler.mjs [pods=10000] [nodeCounts=1000,5000] [store=sqlite|memory]
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchOnce, formatFigures } = await import('./scheduler.ts');
const [podsArg, nodesArg, storeArg] = process.argv.slice(2);
const pods = Number(podsArg) || 10_000;
const nodeCounts = (nodesArg || '1000,5000').split(',').map(Number);
const store = storeArg === 'memory' ? 'memory' : 'sqlite';
for (const nodes of nodeCounts) console.log(formatFigures(await benchOnce({ nodes, pods, store })));
