// Node selector and toleration matching live in api/scheduling (shared with DaemonSet placement).
export * from '../../api/scheduling/node-matching.js';
