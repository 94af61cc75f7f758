// The scheduler's public surface for the composition root.
export { Scheduler, type SchedulerOptions } from './scheduler.js';
export { defaultPlugins } from './profile.js';
export { Code, Status, type Handle, type Plugin } from './framework.js';
