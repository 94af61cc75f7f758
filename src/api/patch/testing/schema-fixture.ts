// A tiny hand-made schema of a few built-in kinds for tests of strategic merge patch and
// managedFields. Facts (merge keys, strategies, list types, pointers) follow the upstream Go types;
// only the fields the tests touch are present. Fields are omitempty unless marked otherwise.

import type { FieldNode, FieldSchema, MessageSchema, SchemaNode } from '../../schema/types.js';

type Field = Omit<FieldSchema, 'number' | 'type'> & { type?: FieldSchema['type'] };

const str = { kind: 'scalar', scalar: 'string' } as const;
const i32 = { kind: 'scalar', scalar: 'int32' } as const;
const bool = { kind: 'scalar', scalar: 'bool' } as const;
const msg = (ref: string) => ({ kind: 'message', ref }) as const;
const quantity = { kind: 'wellKnown', name: 'Quantity' } as const;
const intOrString = { kind: 'wellKnown', name: 'IntOrString' } as const;

const defs: Record<string, Field[]> = {
  ObjectMeta: [
    { name: 'name', type: str }, { name: 'namespace', type: str }, { name: 'uid', type: str },
    { name: 'resourceVersion', type: str }, { name: 'generation', type: { kind: 'scalar', scalar: 'int64' } },
    { name: 'creationTimestamp', type: { kind: 'wellKnown', name: 'Time' } },
    { name: 'labels', type: str, map: true }, { name: 'annotations', type: str, map: true },
    { name: 'finalizers', type: str, repeated: true, patchStrategy: 'merge', listType: 'set' },
    { name: 'ownerReferences', type: msg('OwnerReference'), repeated: true, patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] },
    { name: 'managedFields', type: msg('ManagedFieldsEntry'), repeated: true, listType: 'atomic' },
  ],
  OwnerReference: [{ name: 'uid', type: str, omitEmpty: false }, { name: 'name', type: str, omitEmpty: false }, { name: 'kind', type: str, omitEmpty: false }, { name: 'apiVersion', type: str, omitEmpty: false }],
  ManagedFieldsEntry: [{ name: 'manager', type: str }],
  ConfigMap: [
    { name: 'apiVersion', type: str }, { name: 'kind', type: str }, { name: 'metadata', type: msg('ObjectMeta') },
    { name: 'data', type: str, map: true }, { name: 'binaryData', type: { kind: 'scalar', scalar: 'bytes' }, map: true },
    { name: 'immutable', type: bool, pointer: true },
  ],
  Pod: [{ name: 'apiVersion', type: str }, { name: 'kind', type: str }, { name: 'metadata', type: msg('ObjectMeta') }, { name: 'spec', type: msg('PodSpec') }],
  PodSpec: [
    { name: 'containers', type: msg('Container'), omitEmpty: false, repeated: true, patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    { name: 'initContainers', type: msg('Container'), repeated: true, patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    { name: 'volumes', type: msg('Volume'), repeated: true, patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    { name: 'nodeSelector', type: str, map: true },
    { name: 'tolerations', type: msg('Toleration'), repeated: true, listType: 'atomic' },
    { name: 'securityContext', type: msg('PodSecurityContext'), pointer: true },
    { name: 'restartPolicy', type: str },
  ],
  Toleration: [{ name: 'key', type: str }, { name: 'operator', type: str }],
  PodSecurityContext: [{ name: 'runAsUser', type: { kind: 'scalar', scalar: 'int64' }, pointer: true }, { name: 'fsGroup', type: { kind: 'scalar', scalar: 'int64' }, pointer: true }],
  Container: [
    { name: 'name', type: str, omitEmpty: false }, { name: 'image', type: str },
    { name: 'args', type: str, repeated: true, listType: 'atomic' },
    { name: 'env', type: msg('EnvVar'), repeated: true, patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    { name: 'ports', type: msg('ContainerPort'), repeated: true, patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
    { name: 'resources', type: msg('ResourceRequirements') },
    { name: 'volumeMounts', type: msg('VolumeMount'), repeated: true, patchStrategy: 'merge', patchMergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  ],
  EnvVar: [{ name: 'name', type: str, omitEmpty: false }, { name: 'value', type: str }, { name: 'valueFrom', type: msg('EnvVarSource'), pointer: true }],
  EnvVarSource: [{ name: 'fieldRef', type: msg('ObjectFieldSelector'), pointer: true }],
  ObjectFieldSelector: [{ name: 'fieldPath', type: str }],
  ContainerPort: [{ name: 'containerPort', type: i32, omitEmpty: false }, { name: 'protocol', type: str }, { name: 'name', type: str }],
  ResourceRequirements: [{ name: 'limits', type: quantity, map: true }, { name: 'requests', type: quantity, map: true }],
  VolumeMount: [{ name: 'name', type: str, omitEmpty: false }, { name: 'mountPath', type: str, omitEmpty: false }],
  Volume: [
    { name: 'name', type: str, omitEmpty: false }, { name: 'configMap', type: msg('ConfigMapVolumeSource'), pointer: true },
    { name: 'emptyDir', type: msg('EmptyDirVolumeSource'), pointer: true },
  ],
  ConfigMapVolumeSource: [{ name: 'name', type: str }],
  EmptyDirVolumeSource: [{ name: 'medium', type: str }],
  Deployment: [{ name: 'apiVersion', type: str }, { name: 'kind', type: str }, { name: 'metadata', type: msg('ObjectMeta') }, { name: 'spec', type: msg('DeploymentSpec') }, { name: 'status', type: msg('DeploymentStatus') }],
  DeploymentStatus: [{ name: 'replicas', type: i32 }],
  DeploymentSpec: [
    { name: 'replicas', type: i32, pointer: true }, { name: 'selector', type: msg('LabelSelector'), pointer: true, omitEmpty: false },
    { name: 'template', type: msg('PodTemplateSpec'), omitEmpty: false },
    { name: 'strategy', type: msg('DeploymentStrategy'), patchStrategy: 'retainKeys' },
    { name: 'revisionHistoryLimit', type: i32, pointer: true },
  ],
  LabelSelector: [{ name: 'matchLabels', type: str, map: true }],
  DeploymentStrategy: [{ name: 'type', type: str }, { name: 'rollingUpdate', type: msg('RollingUpdateDeployment'), pointer: true }],
  RollingUpdateDeployment: [{ name: 'maxSurge', type: intOrString, pointer: true }, { name: 'maxUnavailable', type: intOrString, pointer: true }],
  PodTemplateSpec: [{ name: 'metadata', type: msg('ObjectMeta') }, { name: 'spec', type: msg('PodSpec') }],
};

const atomicMessages = new Set(['LabelSelector']);

function message(name: string): MessageSchema {
  const fields = defs[name];
  if (!fields) throw new Error(`fixture has no message ${name}`);
  return {
    name: `fixture.${name}`,
    // Most Go fields are `omitempty`; the fixture marks the exceptions with omitEmpty: false.
    fields: fields.map((f, i) => ({ omitEmpty: true, ...f, number: i + 1, type: f.type ?? str })),
    atomic: atomicMessages.has(name) || undefined,
  };
}

/** The root node of a fixture message, e.g. `fixtureNode('Deployment')`. */
export function fixtureNode(name: string): SchemaNode {
  const m = message(name);
  return {
    message: m,
    field(fieldName: string): FieldNode | undefined {
      const schema = m.fields.find((f) => f.name === fieldName);
      if (!schema) return undefined;
      const element = schema.type.kind === 'message' ? fixtureNode(schema.type.ref.replace(/^fixture\./, '')) : undefined;
      return { schema, element };
    },
  };
}
