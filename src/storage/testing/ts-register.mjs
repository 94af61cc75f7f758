// `node --import <this file> script.ts` runs TypeScript sources of this repository (see ts-hooks.mjs).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
