// Runner for bench/pods.ts on the TypeScript sources; the server runs from dist/ (npm ci builds it).
//   node bench/pods.mjs [sequential] [burst]
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchPods } = await import('./pods.ts');
const [sequential, burst] = process.argv.slice(2).map(Number);
await benchPods({ sequential: sequential || undefined, burst: burst || undefined });
