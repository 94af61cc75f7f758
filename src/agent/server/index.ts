export { startAgentServer, type AgentServer, type AgentServerOptions, type ClientIdentity } from './agent-server.js';
export { createSelfSignedServingCertificate, type ServingCertificate } from './serving-cert.js';
export { createDeferredLocator, type ContainerLocator, type LocatedContainer } from './locator.js';
