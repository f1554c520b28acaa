import { createHash, randomBytes } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { Role } from './roles.js';

/** Only this algorithm is ever accepted; `alg: none` and asymmetric confusion are refused by construction. */
export const JWT_ALG = 'HS256';

export interface AccessClaims {
  userId: number;
  username: string;
  role: Role;
  /** Seconds: when the token was issued (compared with the user's password change). */
  issuedAt: number;
  /** Milliseconds: when what this token opened (an event stream, a live view) must end. */
  validUntil: number;
}

/**
 * What a stream token opens: the event stream, one camera's snapshots or one camera's live view. A stream
 * token is the only token accepted in a URL (`?access_token=`), where proxies and browsers may log it.
 */
export const STREAM_SCOPE = /^(events|snapshot:[1-9]\d{0,15}|live:[1-9]\d{0,15})$/;

/** Seconds a stream token may be used to open its stream. */
export const STREAM_TOKEN_TTL_S = 60;

export class TokenError extends Error {
  readonly code = 'token_invalid';
}

export interface TokenOptions {
  issuer: string;
  audience: string;
  accessTtlS: number;
  clock: () => number;
}

/** Signs and verifies access JWTs (HS256, issuer and audience checked, clock injected). */
export class TokenService {
  constructor(
    private readonly key: Uint8Array,
    private readonly opts: TokenOptions,
  ) {}

  async signAccess(user: { id: number; username: string; role: Role }): Promise<string> {
    const now = Math.floor(this.opts.clock() / 1000);
    return new SignJWT({ role: user.role, name: user.username })
      .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer(this.opts.issuer)
      .setAudience(this.opts.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.opts.accessTtlS)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(this.key);
  }

  /** The audience of stream tokens: never accepted where an access token is expected, nor the reverse. */
  get streamAudience(): string {
    return `${this.opts.audience}:stream`;
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const payload = await this.verify(token, this.opts.audience);
    return { ...this.claims(payload), validUntil: (payload.exp as number) * 1000 };
  }

  /**
   * A token for one stream (`scope`, see STREAM_SCOPE), usable to open it for STREAM_TOKEN_TTL_S seconds. What
   * it opens lasts until `validUntil` (ms; the access token it was minted with), never longer.
   */
  async signStream(
    user: { id: number; username: string; role: Role },
    scope: string,
    validUntil: number,
  ): Promise<string> {
    if (!STREAM_SCOPE.test(scope)) throw new TokenError(`invalid stream scope "${scope}"`);
    const now = Math.floor(this.opts.clock() / 1000);
    return new SignJWT({ role: user.role, name: user.username, scope, until: validUntil })
      .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer(this.opts.issuer)
      .setAudience(this.streamAudience)
      .setIssuedAt(now)
      .setExpirationTime(now + STREAM_TOKEN_TTL_S)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(this.key);
  }

  /** Verifies a stream token for exactly `scope`. */
  async verifyStream(token: string, scope: string): Promise<AccessClaims> {
    const payload = await this.verify(token, this.streamAudience);
    if (payload.scope !== scope) throw new TokenError(`token is for ${String(payload.scope)}, not ${scope}`);
    if (typeof payload.until !== 'number') throw new TokenError('malformed claims');
    return { ...this.claims(payload), validUntil: payload.until };
  }

  private async verify(token: string, audience: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [JWT_ALG],
        issuer: this.opts.issuer,
        audience,
        currentDate: new Date(this.opts.clock()),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      return payload;
    } catch (err) {
      const reason = err instanceof errors.JWTExpired ? 'token expired' : 'token invalid';
      throw new TokenError(reason, { cause: err });
    }
  }

  private claims(payload: JWTPayload): Omit<AccessClaims, 'validUntil'> {
    const userId = Number(payload.sub);
    if (!Number.isInteger(userId) || typeof payload.iat !== 'number')
      throw new TokenError('malformed claims');
    return { userId, username: String(payload.name), role: payload.role as Role, issuedAt: payload.iat };
  }

  get accessTtlS(): number {
    return this.opts.accessTtlS;
  }
}

/** A new opaque refresh token (256 random bits). Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a high-entropy token: enough to store it (no salt/slow hash needed for 256 random bits). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
