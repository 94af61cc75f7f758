// The ingress controller (networking.k8s.io/v1), serving the `kites` IngressClass.
export { startIngressController, type IngressControllerOptions, type IngressController } from './controller.js';
export { RouteTable, type BackendRef, type RouteMatch } from './routing.js';
export { ensureIngressClass, servesIngress, ingressClassController } from './ingress-class.js';
export { selfSignedCertificate } from './certificates.js';
