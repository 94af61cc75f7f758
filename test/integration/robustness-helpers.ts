// Shared by the robustness tests: raw requests through the in-process transport (bodies sent as
// given, never re-encoded) and assertions on the meta/v1 Status every failure must be.
import { expect } from 'vitest';
import type { RestRequest, RestResponse, RestTransport } from '../../src/client/transport.js';

export interface StatusBody {
  kind: string;
  apiVersion: string;
  status: string;
  code: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; group?: string; causes?: Array<{ reason?: string; message?: string; field?: string }>; retryAfterSeconds?: number };
}

export const json = 'application/json';
export const mergePatch = 'application/merge-patch+json';
export const jsonPatch = 'application/json-patch+json';
export const strategicPatch = 'application/strategic-merge-patch+json';

/** A failure with upstream's shape: Status kind, Failure, the code repeated in the body. */
export function expectStatus(res: RestResponse, code: number, reason: string, message?: string | RegExp): StatusBody {
  const body = res.body as StatusBody;
  const seen = `${res.status} ${JSON.stringify(body).slice(0, 400)}`;
  expect(res.status, seen).toBe(code);
  expect(body.kind, seen).toBe('Status');
  expect(body.apiVersion, seen).toBe('v1');
  expect(body.status, seen).toBe('Failure');
  expect(body.code, seen).toBe(code);
  expect(body.reason ?? '', seen).toBe(reason);
  if (typeof message === 'string') expect(body.message, seen).toBe(message);
  else if (message) expect(body.message, seen).toMatch(message);
  return body;
}

/** The stored form of one object, minus nothing: a failed write must leave it byte-identical. */
export async function snapshot(transport: RestTransport, path: string): Promise<string> {
  const r = await transport.request({ method: 'GET', path });
  expect(r.status).toBe(200);
  return JSON.stringify(r.body);
}

export function send(transport: RestTransport, req: RestRequest): Promise<RestResponse> {
  return transport.request(req);
}
