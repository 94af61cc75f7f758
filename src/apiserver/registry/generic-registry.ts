// The generic registry: one machine for every resource (upstream's generic store). It turns API
// operations into store operations with resourceVersion concurrency, uid/timestamps/generation,
// finalizers and graceful deletion; per-resource rules come from the Strategy, and defaulting,
// validation and admission from injected hooks.
import { randomUUID, randomInt } from 'node:crypto';
import type { ResourceInfo } from '../../api/resources/types.js';
import type { KubeObject, StoredObject, ObjectMeta } from '../../api/types.js';
import { errors, fieldErrors, StatusError, type FieldError } from '../../api/errors.js';
import { StoreConflictError, StoreKeyExistsError, StoreNotFoundError, type Store } from '../../storage/store.js';
import { namespacePrefix, objectKey, resourcePrefix, type KeyScope } from './keys.js';
import { storageFormOf, type StorageForm } from '../../api/conversion/index.js';
import { clone, decodeObject, deepEqual, encodeObject, nowTimestamp } from './codec.js';
import { strategyFor, type Strategy } from './strategy.js';

export interface RequestContext {
  user: { username: string; groups: string[] };
  dryRun: boolean;
  fieldManager?: string;
  /** Warnings collected for the response's Warning headers. */
  warnings: string[];
  /** Set when the write already carries its field ownership (server-side apply). */
  fieldsManaged?: boolean;
  now: () => Date;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** Everything kind-specific that is not storage: defaulting, validation, admission, managedFields. */
export interface RegistryHooks {
  applyDefaults(info: ResourceInfo, obj: KubeObject): void;
  validate(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined, subresource: string): FieldError[];
  /** Admission (namespace lifecycle, …): throws a StatusError to refuse. */
  admit(info: ResourceInfo, op: Operation, obj: KubeObject, old: KubeObject | undefined, ctx: RequestContext): Promise<void>;
  /** Records field ownership of a write (managedFields). */
  manageFields(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined, ctx: RequestContext, subresource: string): void;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult { object: StoredObject; deleted: boolean }

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';
// Unconditional writes retry conflicts until they land, as upstream's GuaranteedUpdate does; the
// cap only guards against a livelock.
const maxRetries = 1000;

export class GenericRegistry {
  readonly strategy: Strategy;
  /** Where objects live: the served group's keys, or the shared stored form's (events.k8s.io → core). */
  readonly scope: KeyScope;
  private readonly form?: StorageForm;

  constructor(readonly info: ResourceInfo, private readonly store: Store, private readonly hooks: RegistryHooks, form?: StorageForm) {
    this.strategy = strategyFor(info);
    this.form = form ?? storageFormOf(info.group, info.version, info.resource);
    this.scope = { group: this.form?.group ?? info.group, resource: info.resource, namespaced: info.namespaced };
  }

  key(namespace: string, name: string): string {
    return objectKey(this.scope, namespace, name);
  }

  listPrefix(namespace: string): string {
    return namespacePrefix(this.scope, namespace);
  }

  resourcePrefix(): string {
    return resourcePrefix(this.scope);
  }

  /** Stored form → served form (identity unless versions share storage). */
  readonly fromStorage = (obj: StoredObject): StoredObject => (this.form ? (this.form.fromStorage(obj) as StoredObject) : obj);

  private encode(obj: KubeObject): Uint8Array {
    return encodeObject(this.form ? this.form.toStorage(obj) : obj);
  }

  private decode(kv: Parameters<typeof decodeObject>[0]): StoredObject {
    return this.fromStorage(decodeObject(kv));
  }

  notFound(name: string): StatusError {
    return errors.notFound(this.info.group, this.info.resource, name);
  }

  async get(namespace: string, name: string): Promise<StoredObject> {
    const kv = await this.store.get(this.key(namespace, name));
    if (!kv) throw this.notFound(name);
    return this.decode(kv);
  }

  async tryGet(namespace: string, name: string): Promise<StoredObject | undefined> {
    const kv = await this.store.get(this.key(namespace, name));
    return kv ? this.decode(kv) : undefined;
  }

  async create(namespace: string, input: KubeObject, ctx: RequestContext): Promise<StoredObject> {
    const obj = clone(input);
    const meta = (obj.metadata ??= {});
    this.checkIdentity(obj);
    if (this.info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace || meta.namespace;
    } else {
      delete meta.namespace;
    }
    if (meta.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    this.hooks.applyDefaults(this.info, obj);
    this.prepareCreateMeta(meta, ctx);
    this.strategy.prepareForCreate(obj);
    if (this.strategy.hasGeneration) meta.generation = 1;
    await this.hooks.admit(this.info, 'CREATE', obj, undefined, ctx);
    this.throwIfInvalid(obj, this.hooks.validate(this.info, obj, undefined, ''));
    this.hooks.manageFields(this.info, obj, undefined, ctx, '');
    const key = this.key(meta.namespace ?? '', meta.name!);
    if (ctx.dryRun) {
      if (await this.store.get(key)) throw errors.alreadyExists(this.info.group, this.info.resource, meta.name!);
      return obj as StoredObject;
    }
    try {
      const rev = await this.store.create(key, this.encode(obj));
      obj.metadata!.resourceVersion = String(rev);
      return obj as StoredObject;
    } catch (e) {
      if (e instanceof StoreKeyExistsError) throw errors.alreadyExists(this.info.group, this.info.resource, meta.name!);
      throw e;
    }
  }

  /** PUT: replace the object (conditionally on metadata.resourceVersion when given). */
  async update(namespace: string, name: string, input: KubeObject, ctx: RequestContext, subresource = ''): Promise<{ object: StoredObject; created: boolean }> {
    const obj = clone(input);
    const meta = (obj.metadata ??= {});
    this.checkIdentity(obj);
    if (!meta.name) throw errors.badRequest('the name of the object (based on URL) was undeterminable: name must be provided');
    if (meta.name !== name) throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    if (this.info.namespaced && meta.namespace && meta.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.name = name;
    if (this.info.namespaced) meta.namespace = namespace;
    const expected = meta.resourceVersion;
    const current = await this.tryGet(namespace, name);
    if (!current) {
      if (subresource || !this.strategy.allowCreateOnUpdate) throw this.notFound(name);
      delete meta.resourceVersion;
      return { object: await this.create(namespace, obj, ctx), created: true };
    }
    if (expected && expected !== current.metadata.resourceVersion) {
      throw errors.resourceVersionConflict(this.info.group, this.info.resource, name);
    }
    // A PUT without resourceVersion is unconditional: it applies to whatever is current, retrying.
    const object = await this.guaranteedUpdate(namespace, name, ctx, subresource, () => clone(obj), expected ? current : undefined);
    return { object, created: false };
  }

  /**
   * Applies `mutate` to the current object and writes the result, retrying on conflicts
   * (upstream's GuaranteedUpdate). When `pinned` is given, the write must apply to exactly that
   * version (a conflict is returned instead of retried).
   */
  async guaranteedUpdate(
    namespace: string, name: string, ctx: RequestContext, subresource: string,
    mutate: (current: StoredObject) => KubeObject | Promise<KubeObject>, pinned?: StoredObject,
  ): Promise<StoredObject> {
    for (let attempt = 0; ; attempt++) {
      const current = pinned ?? (await this.get(namespace, name));
      const next = await mutate(clone(current));
      const result = await this.prepareUpdate(next, current, ctx, subresource);
      if (result === 'unchanged') return current;
      if (ctx.dryRun) return result;
      try {
        if (this.shouldRemove(result)) {
          const { revision } = await this.store.delete(this.key(namespace, name), Number(current.metadata.resourceVersion));
          result.metadata.resourceVersion = String(revision);
          return result;
        }
        const rev = await this.store.update(this.key(namespace, name), this.encode(result), Number(current.metadata.resourceVersion));
        result.metadata.resourceVersion = String(rev);
        return result;
      } catch (e) {
        if (e instanceof StoreNotFoundError) throw this.notFound(name);
        if (e instanceof StoreConflictError) {
          if (pinned || attempt >= maxRetries) throw errors.resourceVersionConflict(this.info.group, this.info.resource, name);
          continue;
        }
        throw e;
      }
    }
  }

  private async prepareUpdate(next: KubeObject, current: StoredObject, ctx: RequestContext, subresource: string): Promise<StoredObject | 'unchanged'> {
    const meta = (next.metadata ??= {});
    const cur = current.metadata;
    let obj: KubeObject;
    if (subresource === 'status') {
      // Status writes change only status (upstream's ResetObjectMetaForStatus + spec reset).
      obj = { ...clone(current), status: next.status };
      obj.metadata!.managedFields = meta.managedFields ?? cur.managedFields;
    } else {
      obj = next;
      if (subresource === '') this.hooks.applyDefaults(this.info, obj);
      // The main resource ignores status; subresources that own status (binding) keep theirs.
      if (this.strategy.hasStatus && subresource === '') {
        if (current.status === undefined) delete obj.status;
        else obj.status = clone(current.status);
      }
    }
    const m = obj.metadata!;
    // Server-owned metadata survives any write.
    m.name = cur.name;
    if (this.info.namespaced) m.namespace = cur.namespace;
    m.uid = m.uid || cur.uid;
    // Clients may echo the timestamp in another RFC 3339 spelling (JS Dates carry milliseconds).
    if (!m.creationTimestamp || Date.parse(m.creationTimestamp) === Date.parse(cur.creationTimestamp)) m.creationTimestamp = cur.creationTimestamp;
    if (cur.deletionTimestamp) {
      m.deletionTimestamp = cur.deletionTimestamp;
      m.deletionGracePeriodSeconds = cur.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    if (m.generateName === undefined && cur.generateName !== undefined) m.generateName = cur.generateName;
    delete m.selfLink;
    m.resourceVersion = cur.resourceVersion;
    if (this.strategy.hasGeneration) {
      m.generation = cur.generation ?? 1;
      if (specChanged(obj, current)) m.generation = (cur.generation ?? 1) + 1;
    } else if (cur.generation !== undefined) {
      m.generation = cur.generation;
    }
    if (cur.deletionTimestamp && addsFinalizers(m, cur)) {
      throw errors.invalid(this.info.group, this.info.kind, cur.name, [
        fieldErrors.forbidden('metadata.finalizers', 'no new finalizers can be added if the object is being deleted'),
      ]);
    }
    await this.hooks.admit(this.info, 'UPDATE', obj, current, ctx);
    this.throwIfInvalid(obj, this.hooks.validate(this.info, obj, current, subresource));
    const withoutManaged = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined } });
    if (deepEqual(withoutManaged(obj), withoutManaged(current))) return 'unchanged';
    this.hooks.manageFields(this.info, obj, current, ctx, subresource);
    return obj as StoredObject;
  }

  /** An object under deletion with nothing left holding it goes away on its next write. */
  private shouldRemove(obj: KubeObject): boolean {
    const m = obj.metadata ?? {};
    if (!m.deletionTimestamp) return false;
    if (m.finalizers && m.finalizers.length > 0) return false;
    if ((m.deletionGracePeriodSeconds ?? 0) > 0) return false;
    return this.strategy.readyToRemove(obj);
  }

  async delete(namespace: string, name: string, options: DeleteOptions, ctx: RequestContext): Promise<DeleteResult> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const m = current.metadata;
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== m.uid) {
        throw errors.conflict(this.info.group, this.info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== m.resourceVersion) {
        throw errors.conflict(this.info.group, this.info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`);
      }
      await this.hooks.admit(this.info, 'DELETE', current, current, ctx);
      const next = clone(current);
      const nm = next.metadata;
      // Orphan and Foreground propagation are carried out by the garbage collector through finalizers.
      const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : options.orphanDependents === false ? 'Background' : undefined);
      const finalizers = new Set(nm.finalizers ?? []);
      if (policy === 'Orphan') { finalizers.add('orphan'); finalizers.delete('foregroundDeletion'); }
      if (policy === 'Foreground') { finalizers.add('foregroundDeletion'); finalizers.delete('orphan'); }
      if (policy === 'Background') { finalizers.delete('orphan'); finalizers.delete('foregroundDeletion'); }
      if (finalizers.size !== (nm.finalizers?.length ?? 0) || [...finalizers].some((f) => !nm.finalizers?.includes(f))) {
        // Only propagation finalizers may be added to an object that is already being deleted.
        nm.finalizers = [...finalizers];
      }
      if (nm.finalizers && nm.finalizers.length === 0) delete nm.finalizers;
      const grace = this.strategy.deleteGracePeriod(next, options.gracePeriodSeconds);
      const now = ctx.now();
      let pending = (nm.finalizers?.length ?? 0) > 0 || grace > 0 || !this.strategy.readyToRemove(next);
      if (nm.deletionTimestamp) {
        // Already being deleted: a shorter grace period may be requested (kubectl delete --grace-period).
        if (grace < (nm.deletionGracePeriodSeconds ?? 0)) {
          nm.deletionGracePeriodSeconds = grace;
          nm.deletionTimestamp = nowTimestamp(new Date(now.getTime() + grace * 1000));
        }
        pending = (nm.finalizers?.length ?? 0) > 0 || (nm.deletionGracePeriodSeconds ?? 0) > 0 || !this.strategy.readyToRemove(next);
        if (pending && deepEqual(next, current)) return { object: current, deleted: false };
      } else if (pending) {
        nm.deletionTimestamp = nowTimestamp(new Date(now.getTime() + grace * 1000));
        nm.deletionGracePeriodSeconds = grace;
        this.strategy.onDeletionStarted?.(next);
        if (this.strategy.hasGeneration) nm.generation = (nm.generation ?? 1) + 1;
      }
      if (ctx.dryRun) return { object: next, deleted: !pending };
      try {
        if (pending) {
          const rev = await this.store.update(this.key(namespace, name), this.encode(next), Number(m.resourceVersion));
          nm.resourceVersion = String(rev);
          return { object: next, deleted: false };
        }
        const { revision } = await this.store.delete(this.key(namespace, name), Number(m.resourceVersion));
        next.metadata.resourceVersion = String(revision);
        return { object: next, deleted: true };
      } catch (e) {
        if (e instanceof StoreNotFoundError) throw this.notFound(name);
        if (e instanceof StoreConflictError && attempt < maxRetries && !pre?.resourceVersion) continue;
        if (e instanceof StoreConflictError) throw errors.resourceVersionConflict(this.info.group, this.info.resource, name);
        throw e;
      }
    }
  }

  private checkIdentity(obj: KubeObject): void {
    const want = this.info.group ? `${this.info.group}/${this.info.version}` : this.info.version;
    if (obj.kind !== undefined && obj.kind !== this.info.kind) {
      throw errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${this.info.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
      throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    obj.apiVersion = want;
    obj.kind = this.info.kind;
  }

  private prepareCreateMeta(meta: ObjectMeta, ctx: RequestContext): void {
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp(ctx.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    delete meta.generation;
  }

  private throwIfInvalid(obj: KubeObject, errs: FieldError[]): void {
    if (errs.length) throw errors.invalid(this.info.group, this.info.kind, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errs);
  }
}

function generateName(prefix: string): string {
  // Upstream: at most 58 characters of prefix plus 5 random characters from a consonant-digit alphabet.
  let s = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  for (let i = 0; i < 5; i++) s += nameChars[randomInt(nameChars.length)];
  return s;
}

function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  };
  return !deepEqual(strip(a), strip(b));
}

function addsFinalizers(next: ObjectMeta, cur: ObjectMeta): boolean {
  const old = new Set(cur.finalizers ?? []);
  return (next.finalizers ?? []).some((f) => !old.has(f) && f !== 'orphan' && f !== 'foregroundDeletion');
}
