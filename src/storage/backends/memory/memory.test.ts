import { runStoreConformance } from '../../testing/conformance.js';
import { MemoryStore } from './store.js';

runStoreConformance('memory', async () => new MemoryStore({ watch: { progressIntervalMs: 20 } }));
// A tiny ring and batch force replay from the version log and multi-round dispatch.
runStoreConformance('memory (tiny watch ring)', async () => new MemoryStore({ watch: { ringSize: 2, batchSize: 3, progressIntervalMs: 20 } }));
