// The version lives with the shared API code (the agent reports it too).
export { kitesVersion } from '../api/version.js';
