// A thin CRI v1 gRPC client over a unix socket: one channel for both services, a deadline on every
// call, and errors that keep the runtime's own message (the agent shows it in events, e.g.
// ErrImagePull). grpc-js channels reconnect by themselves; a short reconnect backoff makes calls
// work again soon after containerd restarts, and calls made while it is down fail at once
// (no wait-for-ready) instead of hanging.
import { existsSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { loadCriSchema } from './proto.js';

export type CriService = 'RuntimeService' | 'ImageService';

/** A failed CRI call: the gRPC status code and the runtime's message. */
export class CriError extends Error {
  constructor(readonly rpc: string, readonly code: grpc.status, readonly details: string) {
    super(details);
    this.name = 'CriError';
  }

  get notFound(): boolean {
    return this.code === grpc.status.NOT_FOUND;
  }
}

export interface CriClientOptions {
  /** Path of the runtime's unix socket. */
  endpoint: string;
  /** Default deadline of a call. */
  timeoutMs: number;
}

const decodeOptions: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true, objects: true };

export class CriClient {
  private readonly root = loadCriSchema();
  private readonly client: grpc.Client;

  constructor(private readonly opts: CriClientOptions) {
    this.client = new grpc.Client(`unix://${opts.endpoint}`, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    });
  }

  /** Calls `runtime.v1.<service>/<method>` with `<method>Request` and decodes `<method>Response`. */
  call<Res>(service: CriService, method: string, request: object, timeoutMs = this.opts.timeoutMs): Promise<Res> {
    const reqType = this.root.lookupType(`runtime.v1.${method}Request`);
    const resType = this.root.lookupType(`runtime.v1.${method}Response`);
    const rpc = `/runtime.v1.${service}/${method}`;
    return new Promise<Res>((resolve, reject) => {
      this.client.makeUnaryRequest(
        rpc,
        (msg: object) => Buffer.from(reqType.encode(reqType.fromObject(msg)).finish()),
        (buf: Buffer) => resType.toObject(resType.decode(buf), decodeOptions) as Res,
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, value) => {
          if (err) reject(this.describe(method, err));
          else resolve(value as Res);
        },
      );
    });
  }

  private describe(method: string, err: grpc.ServiceError): CriError {
    if (err.code === grpc.status.UNAVAILABLE && !existsSync(this.opts.endpoint)) {
      return new CriError(method, err.code, `container runtime is not running: socket ${this.opts.endpoint} does not exist`);
    }
    const details = err.details || err.message;
    if (err.code === grpc.status.DEADLINE_EXCEEDED) return new CriError(method, err.code, `${method}: ${details}`);
    if (err.code === grpc.status.UNAVAILABLE) return new CriError(method, err.code, `container runtime is unavailable (${this.opts.endpoint}): ${details}`);
    return new CriError(method, err.code, details);
  }

  close(): void {
    this.client.close();
  }
}
