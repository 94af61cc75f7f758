// Runner for bench/service-proxy.ts on the TypeScript sources (needs root: it builds netns):
//   node bench/service-proxy.mjs [mode=iptables|userspace] [seconds=3] [concurrency=16]
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchServiceProxy, formatFigures } = await import('./service-proxy.ts');
const [modeArg, secondsArg, concurrencyArg] = process.argv.slice(2);
const mode = modeArg === 'userspace' ? 'userspace' : 'iptables';
console.log(formatFigures(await benchServiceProxy({ mode, seconds: Number(secondsArg) || 3, concurrency: Number(concurrencyArg) || 16 })));
