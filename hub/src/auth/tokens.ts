import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from './roles.js';

/** Only this algorithm is ever accepted; `alg: none` and asymmetric confusion are refused by construction. */
export const JWT_ALG = 'HS256';

export interface AccessClaims {
  userId: number;
  username: string;
  role: Role;
  /** Seconds: when the token was issued (compared with the user's password change). */
  issuedAt: number;
}

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

  async verifyAccess(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [JWT_ALG],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        currentDate: new Date(this.opts.clock()),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const userId = Number(payload.sub);
      if (!Number.isInteger(userId) || typeof payload.iat !== 'number')
        throw new TokenError('malformed claims');
      return { userId, username: String(payload.name), role: payload.role as Role, issuedAt: payload.iat };
    } catch (err) {
      if (err instanceof TokenError) throw err;
      const reason = err instanceof errors.JWTExpired ? 'token expired' : 'token invalid';
      throw new TokenError(reason, { cause: err });
    }
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
