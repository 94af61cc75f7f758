// DefaultBinder: POST pods/<name>/binding, which sets spec.nodeName and PodScheduled=True.
import type { RestClient } from '../../client/rest-client.js';
import { Status, type BindPlugin, type Result } from '../framework.js';
import type { PodInfo } from '../pod-info.js';

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true } as const;

export class DefaultBinder implements BindPlugin {
  readonly name = 'DefaultBinder';

  constructor(private readonly client: RestClient) {}

  async bind(p: PodInfo, nodeName: string): Promise<Result> {
    const m = p.pod.metadata;
    const binding = {
      apiVersion: 'v1', kind: 'Binding',
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    try {
      await this.client.resource(podsRef).createSubresource(m.namespace, m.name, 'binding', binding);
      return null;
    } catch (e) {
      return Status.error(e instanceof Error ? e.message : String(e));
    }
  }
}
