import { runtimeConformance } from '../testing/conformance.js';
import { SimulatedRuntime } from './simulated-runtime.js';

runtimeConformance('simulated', async () => {
  const runtime = new SimulatedRuntime({ podIP: () => '10.0.0.1', version: 'test' });
  return { runtime, cleanup: () => runtime.close() };
}, { runsPrograms: false });
