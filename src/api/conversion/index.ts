// Versions and groups that share one stored form, and the conversions between them, as upstream
// stores them: HorizontalPodAutoscalers as autoscaling/v2 (v1 is a view), and events.k8s.io/v1
// Events as core/v1 Events (the same objects under two names).
import type { KubeObject } from '../types.js';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa.js';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from './events.js';

export interface StorageForm {
  /** Group, version and kind of the stored form. */
  group: string;
  version: string;
  kind: string;
  /** served → stored */
  toStorage(obj: KubeObject): KubeObject;
  /** stored → served */
  fromStorage(obj: KubeObject): KubeObject;
}

const forms: Record<string, StorageForm> = {
  'autoscaling/v1/horizontalpodautoscalers': { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 },
  'events.k8s.io/v1/events': { group: '', version: 'v1', kind: 'Event', toStorage: eventsV1ToCoreEvent, fromStorage: coreEventToEventsV1 },
};

/** The stored form of group/version/resource when it differs from the served one. */
export function storageFormOf(group: string, version: string, resource: string): StorageForm | undefined {
  return forms[`${group}/${version}/${resource}`];
}
