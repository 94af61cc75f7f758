// Event recording for every component (scheduler, controllers, node agent): upstream's tools/record.
export { EventRecorder, referenceTo, rfc3339, type EventRecorderOptions, type EventOptions } from './recorder.js';
export { EventCorrelator, spamKey, dedupKey, type Correlation, type CorrelatorOptions } from './correlator.js';
export type { CoreEvent, EventType, ObjectReference } from './types.js';
