/** A malformed protobuf body; decode.ts turns it into a 400 BadRequest Status. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}
