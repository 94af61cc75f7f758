// Runner for bench/api.ts on the TypeScript sources; the server itself runs from dist/ (npm ci builds it).
//   node bench/api.mjs [creates] [watchers] [events] [objects]
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { benchApi } = await import('./api.ts');
const [creates, watchers, events, objects] = process.argv.slice(2).map(Number);
await benchApi({ creates: creates || undefined, watchers: watchers || undefined, events: events || undefined, objects: objects || undefined });
