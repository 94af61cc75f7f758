// Decodes a watch response body (newline-delimited JSON events) from a stream of chunks that may
// split one event across chunks or carry several events in one.
import type { WatchEvent } from '../api/types.js';
import { isStatusObject, statusErrorFromObject } from './status.js';

export async function* decodeWatchEvents<T>(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<WatchEvent<T>> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line !== '') yield parseEvent<T>(line);
    }
  }
  buffer += decoder.decode();
  const rest = buffer.trim();
  // A server may omit the newline after the last event; a whole JSON document is still an event.
  if (rest !== '') yield parseEvent<T>(rest);
}

function parseEvent<T>(line: string): WatchEvent<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    throw new Error(`unable to decode watch event: ${line.length > 200 ? line.slice(0, 200) + '…' : line}`, { cause: e });
  }
  const ev = parsed as { type?: unknown; object?: unknown };
  // A transport that passes a refused watch through as its body (a bare Status, not an event):
  // surface it as the error it is, so callers can tell 410 Expired from a broken stream.
  if (isStatusObject(parsed) && ev.type === undefined) throw statusErrorFromObject(parsed);
  if (typeof ev !== 'object' || ev === null || typeof ev.type !== 'string') {
    throw new Error(`unable to decode watch event: missing type in ${line.slice(0, 200)}`);
  }
  return ev as WatchEvent<T>;
}
