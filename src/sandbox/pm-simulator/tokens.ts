import { randomBytes } from 'node:crypto';

/** Access and refresh token issued to an API client. */
export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  clientId: string;
  scopes: string[];
  /** Epoch milliseconds. */
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

/** Tokens the simulator has issued, with their lifetimes. Tokens are random, not derived from the seed. */
export class TokenStore {
  private readonly byAccessToken = new Map<string, IssuedToken>();
  private readonly byRefreshToken = new Map<string, IssuedToken>();
  /** Every access and refresh token issued, so that tests can look for them where they must not appear. */
  readonly everIssued: string[] = [];
  issuedCount = 0;
  refreshedCount = 0;

  issue(clientId: string, scopes: string[], lifetimeSeconds: number, refreshLifetimeSeconds: number): IssuedToken {
    const now = Date.now();
    const token: IssuedToken = {
      accessToken: randomBytes(24).toString('base64url'),
      refreshToken: randomBytes(24).toString('base64url'),
      clientId,
      scopes,
      accessExpiresAt: now + lifetimeSeconds * 1000,
      refreshExpiresAt: now + refreshLifetimeSeconds * 1000,
    };
    this.byAccessToken.set(token.accessToken, token);
    this.byRefreshToken.set(token.refreshToken, token);
    this.everIssued.push(token.accessToken, token.refreshToken);
    this.issuedCount += 1;
    return token;
  }

  /** Exchanges a valid refresh token for a new token with the same scopes; the old refresh token stops working. */
  refresh(refreshToken: string, clientId: string, lifetimeSeconds: number, refreshLifetimeSeconds: number) {
    const previous = this.byRefreshToken.get(refreshToken);
    if (!previous || previous.clientId !== clientId || Date.now() >= previous.refreshExpiresAt) return null;
    this.byRefreshToken.delete(refreshToken);
    const token = this.issue(clientId, previous.scopes, lifetimeSeconds, refreshLifetimeSeconds);
    this.issuedCount -= 1;
    this.refreshedCount += 1;
    return token;
  }

  /** Returns the token for a bearer value if it is known, unexpired and issued to `clientId`. */
  validAccessToken(accessToken: string, clientId: string): IssuedToken | null {
    const token = this.byAccessToken.get(accessToken);
    if (!token || token.clientId !== clientId || Date.now() >= token.accessExpiresAt) return null;
    return token;
  }

  /** Invalidates every access token, as if PM had revoked them; refresh tokens keep working. */
  revokeAccessTokens(): void {
    this.byAccessToken.clear();
  }

  /** Invalidates every refresh token, so that the client must request a new token with its credentials. */
  revokeRefreshTokens(): void {
    this.byRefreshToken.clear();
  }
}
