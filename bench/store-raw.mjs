// Runner for bench/store-raw.ts on the TypeScript sources (no build needed):
//   node bench/store-raw.mjs [writes] [valueBytes]
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchStore, formatFigures } = await import('./store-raw.ts');
const [writes, valueBytes] = process.argv.slice(2).map(Number);
const figures = await benchStore({ writes: writes || undefined, valueBytes: valueBytes || undefined });
console.log(formatFigures(figures));
