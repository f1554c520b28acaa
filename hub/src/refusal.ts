/** Where a refused request is at fault: a field path such as `body.cidrs.0`, and why. */
export interface RefusalDetail {
  path: string;
  message: string;
}

/**
 * A request a service refuses, told in the request's terms (a code, a message, the fields at fault) rather than
 * HTTP's: `invalid` (the request itself is wrong) is answered 400, `unprocessable` (it cannot be done as things
 * stand) 422, with the same code, message and details (api/errors.ts).
 */
export class Refusal extends Error {
  constructor(
    readonly kind: 'invalid' | 'unprocessable',
    readonly code: string,
    message: string,
    readonly details?: readonly RefusalDetail[],
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
