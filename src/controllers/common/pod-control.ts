// Creating and deleting pods for a controller, with the events upstream's RealPodControl records
// on the owner: SuccessfulCreate "Created pod: <name>", FailedCreate "Error creating: <err>",
// SuccessfulDelete "Deleted pod: <name>", FailedDelete "Error deleting: <err>".
import type { KubeObject, OwnerReference } from '../../api/types.js';
import type { ResourceClient } from '../../client/rest-client.js';
import { isNotFound } from '../../client/status.js';
import type { EventRecorder } from '../../client/events/recorder.js';
import type { PodObject, PodTemplateSpec } from './types.js';
import { deepCopy } from './types.js';

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** upstream GetPodFromTemplate: labels, annotations and finalizers from the template, name prefix "<owner>-". */
export function podFromTemplate(template: PodTemplateSpec | undefined, ownerName: string, controllerRef?: OwnerReference): KubeObject {
  const t = template ?? {};
  const metadata: KubeObject['metadata'] = { generateName: `${ownerName}-` };
  if (t.metadata?.labels) metadata.labels = { ...t.metadata.labels };
  if (t.metadata?.annotations) metadata.annotations = { ...t.metadata.annotations };
  if (t.metadata?.finalizers?.length) metadata.finalizers = [...t.metadata.finalizers];
  if (controllerRef) metadata.ownerReferences = [controllerRef];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: deepCopy(t.spec ?? {}) };
}

export class PodControl {
  constructor(private readonly pods: ResourceClient<PodObject>, private readonly recorder?: EventRecorder) {}

  async createPod(namespace: string, template: PodTemplateSpec | undefined, owner: KubeObject, controllerRef: OwnerReference): Promise<PodObject> {
    const pod = podFromTemplate(template, owner.metadata?.name ?? '', controllerRef);
    if (!pod.metadata?.labels || Object.keys(pod.metadata.labels).length === 0) {
      // upstream refuses to create pods a controller could never select again.
      throw new Error('unable to create pods, no labels');
    }
    try {
      const created = await this.pods.create(namespace, pod);
      this.recorder?.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (e) {
      if (!isNamespaceTerminating(e)) this.recorder?.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(e)}`);
      throw e;
    }
  }

  async deletePod(namespace: string, name: string, owner: KubeObject): Promise<void> {
    try {
      await this.pods.delete(namespace, name);
      this.recorder?.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      if (isNotFound(e)) return;
      this.recorder?.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(e)}`);
      throw e;
    }
  }
}

/** A create refused because the namespace is being deleted (cause NamespaceTerminating). */
export function isNamespaceTerminating(e: unknown): boolean {
  const details = (e as { details?: { causes?: Array<{ type?: string }> } } | undefined)?.details;
  return !!details?.causes?.some((c) => c.type === 'NamespaceTerminating');
}
