// The per-kind steps of a write that are not storage: defaulting, validation, admission and
// field ownership, wired for the generic registry.
import type { ResourceInfo } from '../api/resources/types.js';
import type { KubeObject } from '../api/types.js';
import { errors } from '../api/errors.js';
import { applyDefaults } from '../api/defaulting/index.js';
import { validateObject, validateObjectUpdate, validateStatusUpdate } from '../api/validation/index.js';
import { defaultResetFields, updateManagedFields } from '../api/fieldmanager/index.js';
import { strategyFor } from './registry/strategy.js';
import { schemaNodeFor } from './patching.js';
import type { RegistryHooks } from './registry/generic-registry.js';
import { systemNamespaces } from './bootstrap.js';
import { admitPodCreate, type PodAdmissionDeps } from './admission/pod-admission.js';
import { allocateServiceAddresses, type ServiceAllocationDeps } from './admission/service-allocation.js';
import type { CustomResourceVersion } from './crd/crd-info.js';
import { defaultCustomResource, validateCustomResource } from './crd/crd-validation.js';
import { validateCustomResourceDefinitionSchemas } from '../api/crdschema/index.js';

export interface HookDeps extends PodAdmissionDeps, ServiceAllocationDeps {
  lookupNamespace(name: string): Promise<KubeObject | undefined>;
  /** The CRD version serving `info`, for custom resources. */
  customVersion(info: ResourceInfo): CustomResourceVersion | undefined;
}

// Namespaces that can never be deleted (upstream's NamespaceLifecycle immortal set).
const immortal = new Set(systemNamespaces.filter((n) => n !== 'kube-node-lease'));

export function createHooks(deps: HookDeps): RegistryHooks {
  return {
    applyDefaults(info, obj) {
      const custom = deps.customVersion(info);
      if (custom) return defaultCustomResource(custom, obj);
      applyDefaults(info.group, info.version, info.kind, obj);
    },
    validate(info, obj, old, subresource) {
      const custom = deps.customVersion(info);
      if (custom) return validateCustomResource(custom, obj, old);
      const opts = { namespaced: info.namespaced };
      // A CRD's schemas must be structural and its CEL rules must compile, before it is stored.
      const schemaErrors = info.group === 'apiextensions.k8s.io' && info.resource === 'customresourcedefinitions' && subresource === ''
        ? validateCustomResourceDefinitionSchemas(obj.spec) : [];
      if (!old) return [...validateObject(info.group, info.version, info.kind, obj, opts), ...schemaErrors];
      // binding changes only spec.nodeName and the PodScheduled condition, checked by its handler.
      if (subresource === 'binding') return [];
      if (subresource === 'status') return validateStatusUpdate(info.group, info.version, info.kind, obj, old, opts);
      return [...validateObjectUpdate(info.group, info.version, info.kind, obj, old, opts), ...schemaErrors];
    },
    async admit(info, op, obj, old) {
      // NamespaceLifecycle: no new content in missing or terminating namespaces; immortal namespaces stay.
      if (info.group === '' && info.resource === 'namespaces') {
        if (op === 'DELETE' && immortal.has(obj.metadata?.name ?? '')) {
          throw errors.forbidden('', 'namespaces', obj.metadata?.name ?? '', 'this namespace may not be deleted');
        }
        return;
      }
      if (info.group === '' && info.resource === 'services' && (op === 'CREATE' || op === 'UPDATE')) await allocateServiceAddresses(obj, old, deps);
      if (!info.namespaced || op !== 'CREATE') return;
      if (info.group === '' && info.resource === 'pods') await admitPodCreate(obj, deps);
      const name = obj.metadata?.namespace ?? '';
      const ns = await deps.lookupNamespace(name);
      if (!ns) throw errors.notFound('', 'namespaces', name);
      if (ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
        throw errors.forbidden(info.group, info.resource, obj.metadata?.name ?? '', `unable to create new content in namespace ${name} because it is being terminated`);
      }
    },
    manageFields(info, obj, old, ctx, subresource) {
      if (!ctx.fieldManager || ctx.fieldsManaged) return;
      const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
      const schema = schemaNodeFor(info, deps.customVersion(info));
      // Main-resource writes never own status, nor status writes spec (upstream's reset fields).
      const ignoredFields = defaultResetFields(subresource, strategyFor(info).hasStatus);
      const entries = updateManagedFields(old, obj, ctx.fieldManager, 'Update', apiVersion, ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z'), subresource || undefined, schema, { ignoredFields });
      obj.metadata = { ...obj.metadata, managedFields: entries };
      if (!entries.length) delete obj.metadata.managedFields;
    },
  } satisfies RegistryHooks;
}
