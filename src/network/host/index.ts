export * from './command.js';
export * from './links.js';
export * from './cidr.js';
