// Runner for bench/pods-containerd.ts on the TypeScript sources; the server runs from dist/
// (`npx tsc -p tsconfig.build.json` first). Root only.
//   node bench/pods-containerd.mjs [n=20]      KEEP_LOG=1 keeps the server's debug log
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchPodsContainerd } = await import('./pods-containerd.ts');
await benchPodsContainerd(Number(process.argv[2]) || 20);
