// How a client reaches an API server: over HTTPS, or in-process with the same semantics.
// The typed client, informers and controllers depend only on this interface.

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. /api/v1/namespaces/default/pods */
  path: string;
  query?: Record<string, string | undefined>;
  /** Request body; objects are sent as JSON unless contentType says otherwise. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the server answered JSON, else the raw text. */
  body: unknown;
}

export interface RestTransport {
  request(req: RestRequest): Promise<RestResponse>;
  /**
   * Opens a streaming request (watch, follow logs) and yields chunks of the body. For watches
   * the chunks are whole newline-delimited JSON events. Ends when the server closes or `signal` aborts.
   */
  stream(req: RestRequest): AsyncIterable<Uint8Array>;
}
