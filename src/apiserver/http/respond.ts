// Writing responses: JSON bodies, Status errors, warnings. Every failure becomes a meta/v1 Status.
import type { ServerResponse } from 'node:http';
import { StatusError, errors, type Status } from '../../api/errors.js';
import YAML from 'yaml';

export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', yaml = false): void {
  if (res.headersSent) { res.end(); return; }
  const text = yaml ? YAML.stringify(body) : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': yaml ? 'application/yaml' : contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function writeText(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/** Maps any thrown value to a Status; unexpected errors become 500 InternalError (and are logged by the caller). */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return errors.internal(msg, err);
}

export function writeStatusError(res: ServerResponse, err: StatusError): void {
  const status: Status = err.toStatus();
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['Retry-After'] = String(err.details.retryAfterSeconds);
  if (res.headersSent) { res.end(); return; }
  const text = JSON.stringify(status);
  res.writeHead(err.code, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Adds `Warning: 299 - "text"` headers as upstream does for field validation warnings and deprecations. */
export function addWarnings(res: ServerResponse, warnings: string[]): void {
  if (!warnings.length || res.headersSent) return;
  const existing = res.getHeader('Warning');
  const list = Array.isArray(existing) ? existing.map(String) : existing ? [String(existing)] : [];
  for (const w of warnings) list.push(`299 - ${JSON.stringify(w)}`);
  res.setHeader('Warning', list);
}
