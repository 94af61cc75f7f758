// The controllers' side of bench/deployment.ts (forked by it): ReplicaSet and Deployment
// controllers over HTTPS, reporting their own CPU and memory to the parent.
import { register } from 'node:module';

register('../src/storage/testing/ts-hooks.mjs', import.meta.url);
const { runControllerChild } = await import('./deployment.ts');
await runControllerChild();
