// Serves /openapi/v3 (discovery of per-group-version documents with content hashes),
// /openapi/v3/<api|apis/group>/<version> and /openapi/v2, like kube-openapi's handlers:
// documents are built lazily and cached until invalidate(); the ETag is the SHA-512 of the
// JSON; a request whose `hash` matches is marked immutable for a year (clients cache by URL),
// one with a stale hash is redirected (301) to the current URL; protobuf-only requests get 406
// so clients fall back to JSON (v3) or go without (v2).
import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../../api/resources/types.js';
import type { SchemaRegistry } from '../../api/schema/types.js';
import { buildGvkIndex, buildV2Document, buildV3GroupVersionDocument, servedGroupVersions, type DocumentInputs, type GvkIndex } from './documents.js';
import { stableStringify } from './json.js';
import type { ExtraSchema } from './paths.js';

export interface OpenApiServiceOptions {
  schemas: SchemaRegistry;
  resources: () => ResourceInfo[];
  /** Schemas of kinds the registry lacks (custom resources: the CRD version's openAPIV3Schema). */
  extraSchemas?: () => ExtraSchema[];
  /** info.version of the swagger 2.0 document (upstream: the server's git version). */
  kubernetesVersion?: string;
  /** Clock for the Expires header. */
  now?: () => Date;
}

export interface OpenApiResponse {
  status: number;
  contentType: string;
  body: Buffer | string;
  headers?: Record<string, string>;
}

export interface OpenApiService {
  /** Answers an OpenAPI path; `undefined` when the path is not one. `ifNoneMatch` allows 304 answers. */
  handle(path: string, query: URLSearchParams, accept: string | undefined, ifNoneMatch?: string): OpenApiResponse | undefined;
  /** Drops every cached document (call when the served resources or CRD schemas change). */
  invalidate(): void;
}

interface CachedDocument { body: Buffer; etag: string }

interface Snapshot {
  inputs: DocumentInputs;
  index: GvkIndex;
  groupVersions: Map<string, { group: string; version: string }>;
  v3: Map<string, CachedDocument>;
  discovery?: CachedDocument;
  v2?: CachedDocument;
}

const jsonType = 'application/json';

function cached(text: string): CachedDocument {
  return { body: Buffer.from(text), etag: createHash('sha512').update(text).digest('hex').toUpperCase() };
}

/** Which of the media types we can produce the Accept header allows ("" and absent mean anything). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) return true;
  for (const clause of accept.split(',')) {
    const [mediaRange, ...params] = clause.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) continue;
    const [type, subtype] = mediaRange.trim().toLowerCase().split('/');
    if ((type === 'application' || type === '*') && (subtype === 'json' || subtype === '*')) return true;
  }
  return false;
}

function notAcceptable(): OpenApiResponse {
  return { status: 406, contentType: 'text/plain; charset=utf-8', body: 'the server can only produce application/json OpenAPI documents' };
}

function notFound(): OpenApiResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found' };
}

export function createOpenApiService(opts: OpenApiServiceOptions): OpenApiService {
  const now = opts.now ?? (() => new Date());
  let snapshot: Snapshot | undefined;

  const current = (): Snapshot => {
    if (!snapshot) {
      const inputs: DocumentInputs = { schemas: opts.schemas, resources: opts.resources(), extraSchemas: opts.extraSchemas?.() ?? [] };
      snapshot = {
        inputs,
        index: buildGvkIndex(opts.schemas, inputs.resources),
        groupVersions: servedGroupVersions(inputs),
        v3: new Map(),
      };
    }
    return snapshot;
  };

  const groupVersionDocument = (s: Snapshot, key: string): CachedDocument | undefined => {
    let doc = s.v3.get(key);
    if (doc) return doc;
    const gv = s.groupVersions.get(key);
    if (!gv) return undefined;
    doc = cached(stableStringify(buildV3GroupVersionDocument(s.inputs, s.index, gv.group, gv.version)));
    s.v3.set(key, doc);
    return doc;
  };

  const discovery = (s: Snapshot): CachedDocument => {
    if (!s.discovery) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const key of [...s.groupVersions.keys()].sort()) {
        const doc = groupVersionDocument(s, key)!;
        paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.etag}` };
      }
      s.discovery = cached(JSON.stringify({ paths }));
    }
    return s.discovery;
  };

  const respond = (doc: CachedDocument, ifNoneMatch: string | undefined, extra: Record<string, string> = {}): OpenApiResponse => {
    const headers: Record<string, string> = { ETag: `"${doc.etag}"`, ...extra };
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === `"${doc.etag}"` || t.trim() === '*')) {
      return { status: 304, contentType: jsonType, body: '', headers };
    }
    return { status: 200, contentType: jsonType, body: doc.body, headers };
  };

  return {
    invalidate() {
      snapshot = undefined;
    },

    handle(path, query, accept, ifNoneMatch) {
      if (path === '/openapi/v2') {
        if (!acceptsJson(accept)) return notAcceptable();
        const s = current();
        if (!s.v2) s.v2 = cached(stableStringify(buildV2Document(s.inputs, s.index, opts.kubernetesVersion ?? 'v1.32.0')));
        return respond(s.v2, ifNoneMatch, { Vary: 'Accept' });
      }
      if (path === '/openapi/v3' || path === '/openapi/v3/') {
        return respond(discovery(current()), ifNoneMatch);
      }
      if (!path.startsWith('/openapi/v3/')) return path.startsWith('/openapi/') ? notFound() : undefined;
      const key = path.slice('/openapi/v3/'.length).replace(/\/+$/, '');
      const s = current();
      const doc = groupVersionDocument(s, key);
      if (!doc) return notFound();
      if (!acceptsJson(accept)) return notAcceptable();
      const hash = query.get('hash');
      if (hash && hash !== doc.etag) {
        return {
          status: 301, contentType: 'text/html; charset=utf-8', body: '',
          headers: { Location: `/openapi/v3/${key}?hash=${doc.etag}`, Vary: 'Accept' },
        };
      }
      const extra: Record<string, string> = { Vary: 'Accept' };
      if (hash) {
        extra['Cache-Control'] = 'public, immutable';
        const expires = now();
        expires.setUTCFullYear(expires.getUTCFullYear() + 1);
        extra.Expires = expires.toUTCString();
      }
      return respond(doc, ifNoneMatch, extra);
    },
  };
}
