// The IngressClass kites serves. Made once at start as k3s ships traefik's: marked default so
// Ingresses without a class are admitted to it (the DefaultIngressClass admission behaviour).
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
import type { KubeObject, StoredObject } from '../../api/types.js';
import { isAlreadyExists, isNotFound, type RestClient } from '../../client/index.js';

export const ingressClassController = 'kites.io/ingress';
export const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
/** The pre-IngressClass way of choosing a controller, still honoured by ingress-nginx and traefik. */
export const legacyClassAnnotation = 'kubernetes.io/ingress.class';

export const ingressClassesRef = { group: 'networking.k8s.io', version: 'v1', resource: 'ingressclasses', namespaced: false };

export async function ensureIngressClass(client: RestClient, name: string): Promise<void> {
  const classes = client.resource<IngressClass & StoredObject>(ingressClassesRef);
  try {
    await classes.get(undefined, name);
    return;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const body: IngressClass & { [field: string]: unknown } = {
    apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
    metadata: { name, annotations: { [defaultClassAnnotation]: 'true' }, labels: { 'app.kubernetes.io/managed-by': 'kites' } },
    spec: { controller: ingressClassController },
  };
  try {
    await classes.create(undefined, body as KubeObject);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/**
 * Whether this controller serves `ing`: its class is one whose spec.controller is ours (the
 * class name alone for the legacy annotation, as ingress-nginx), or it names no class at all.
 */
export function servesIngress(ing: Ingress, ourClasses: ReadonlySet<string>): boolean {
  const cls = ing.spec?.ingressClassName;
  if (cls) return ourClasses.has(cls);
  const legacy = ing.metadata?.annotations?.[legacyClassAnnotation];
  if (legacy) return ourClasses.has(legacy);
  return true;
}

/** Names of the IngressClasses handled by this controller (always including `className`). */
export function ourClassNames(classes: IngressClass[], className: string): Set<string> {
  const names = new Set([className]);
  for (const c of classes) if (c.spec?.controller === ingressClassController && c.metadata?.name) names.add(c.metadata.name);
  return names;
}
