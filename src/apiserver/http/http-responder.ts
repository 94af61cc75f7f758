// ApiResponder over a Node HTTP response.
import type { ServerResponse } from 'node:http';
import type { StatusError } from '../../api/errors.js';
import type { ApiResponder, StreamWriter } from './api-request.js';
import { addWarnings, writeJson, writeStatusError } from './respond.js';
import { wantsYaml } from './negotiate.js';

export class HttpResponder implements ApiResponder {
  constructor(private readonly res: ServerResponse, private readonly accept: string | undefined) {}

  get sent(): boolean {
    return this.res.headersSent;
  }

  object(code: number, body: unknown, contentType = 'application/json'): void {
    writeJson(this.res, code, body, contentType, contentType === 'application/json' && wantsYaml(this.accept));
  }

  raw(code: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
    if (this.res.headersSent) return;
    this.res.writeHead(code, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    this.res.end(body);
  }

  error(err: StatusError): void {
    writeStatusError(this.res, err);
  }

  warnings(list: string[]): void {
    addWarnings(this.res, list);
  }

  stream(code: number, contentType: string): StreamWriter {
    const res = this.res;
    res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    return {
      write: (chunk) => {
        if (res.destroyed || res.writableEnded) return false;
        res.write(chunk);
        return true;
      },
      end: () => { if (!res.writableEnded) res.end(); },
    };
  }
}
