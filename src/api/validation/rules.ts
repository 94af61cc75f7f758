// The shape of one kind's validation rules, registered per group/kind in registry.ts.
import type { FieldError } from '../errors.js';
import type { NameValidator } from './names.js';
import type { J } from './value.js';

export interface KindContext {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
}

export interface KindRules {
  /** Name format (upstream's per-kind ValidateXName); DNS-1123 subdomain when absent. */
  name?: NameValidator;
  /** Create-time checks beyond metadata. Also run on update unless `update` is given. */
  create?(obj: J, ctx: KindContext): FieldError[];
  /** Update-time checks beyond metadata (immutability and the spec rules that still apply). */
  update?(obj: J, old: J, ctx: KindContext): FieldError[];
  /** Status subresource checks beyond metadata. */
  status?(obj: J, old: J, ctx: KindContext): FieldError[];
}
