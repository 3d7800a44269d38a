import { PmApiError } from './errors';
import { TokenResponseSchema, type PmTokenResponse } from './invoice-schemas';
import type { PmLogger } from './logger';
import { parseJsonResponse } from './response-parsing';
import type { SecretRedactor } from './secret-redactor';
import type { PmRequest, PmTransport } from './transport';

/** Credentials of an API client, from PM's REST API settings. */
export interface PmCredentials {
  clientId: string;
  /** Never logged, and redacted from PM's error messages. */
  clientSecret: string;
  /** Space-separated OAuth2 scopes, for example `invoices:read customers:read`. */
  scope: string;
}

/** Maximum time before expiry at which a cached access token is renewed. */
const MAX_RENEWAL_MARGIN_MS = 60_000;
/** Share of a token's lifetime before expiry at which it is renewed, for lifetimes shorter than ten minutes. */
const RENEWAL_MARGIN_SHARE = 0.1;

interface CachedToken {
  accessToken: string;
  /** Epoch milliseconds after which the access token is renewed before use. */
  renewAt: number;
  refreshToken: string | null;
  /** Epoch milliseconds at which the refresh token expires; null when PM sent no lifetime. */
  refreshExpiresAt: number | null;
}

/**
 * Caches the OAuth2 access token of PM's client credentials flow. The token is renewed shortly before it expires,
 * and on demand after PM rejects it: through `POST /v1/refreshtoken` while the refresh token is valid, otherwise
 * through a new `POST /v1/token`. Concurrent callers share one renewal.
 */
export class AccessTokenCache {
  private cached: CachedToken | null = null;
  private renewal: Promise<CachedToken> | null = null;

  constructor(
    private readonly transport: PmTransport,
    private readonly credentials: PmCredentials,
    private readonly logger: PmLogger,
    private readonly redactor: SecretRedactor,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns an access token that is valid for a while yet, obtaining or renewing one first when needed. */
  async accessToken(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.renewAt) return cached.accessToken;
    return (await this.renew('expiring')).accessToken;
  }

  /**
   * Returns a new access token after PM responded 401 to `rejected`. When another caller has renewed the token
   * since, returns that one instead of renewing again.
   */
  async renewRejected(rejected: string): Promise<string> {
    const cached = this.cached;
    if (cached && cached.accessToken !== rejected && this.now() < cached.renewAt) return cached.accessToken;
    return (await this.renew('rejected')).accessToken;
  }

  private renew(reason: 'expiring' | 'rejected'): Promise<CachedToken> {
    if (!this.renewal) {
      this.renewal = this.obtain(reason).finally(() => {
        this.renewal = null;
      });
    }
    return this.renewal;
  }

  private async obtain(reason: 'expiring' | 'rejected'): Promise<CachedToken> {
    const previous = this.cached;
    // Keeps the refresh token for a later attempt if this one fails, but never hands out the old access token.
    if (previous) this.cached = { ...previous, renewAt: 0 };

    if (previous?.refreshToken && (previous.refreshExpiresAt === null || this.now() < previous.refreshExpiresAt)) {
      try {
        const token = await this.post({
          method: 'POST',
          route: 'POST /v1/refreshtoken',
          path: '/v1/refreshtoken',
          invoice: null,
          body: previous.refreshToken,
          accept: 'application/json',
        });
        this.logger.info('PM access token refreshed', { reason, expiresInSeconds: token.access_token_expires_in });
        return this.store(token);
      } catch (error) {
        if (!(error instanceof PmApiError) || error.retryable) throw error;
        this.logger.warn('PM rejected the refresh token, so the client requests a new access token', {
          status: error.status,
          errorType: error.name,
        });
      }
    }

    const token = await this.post({
      method: 'POST',
      route: 'POST /v1/token',
      path: '/v1/token',
      invoice: null,
      body: {
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
        scope: this.credentials.scope,
      },
      accept: 'application/json',
    });
    this.logger.info('PM access token obtained', {
      reason: previous ? reason : 'first request',
      expiresInSeconds: token.access_token_expires_in,
      scope: token.scope,
    });
    return this.store(token);
  }

  private async post(request: PmRequest): Promise<PmTokenResponse> {
    const response = await this.transport.exchange(request, null);
    if (response.status < 200 || response.status > 299) throw this.transport.toError(request, response);
    const token = parseJsonResponse(TokenResponseSchema, response, request);
    this.redactor.remember(token.access_token);
    this.redactor.remember(token.refresh_token);
    return token;
  }

  private store(token: PmTokenResponse): CachedToken {
    const receivedAt = this.now();
    const expiresAt =
      token.access_token_expires_in != null
        ? receivedAt + token.access_token_expires_in * 1000
        : Date.parse(token.access_token_expires_utc ?? '');
    const lifetimeMs = Math.max(0, (Number.isNaN(expiresAt) ? receivedAt : expiresAt) - receivedAt);
    const margin = Math.min(MAX_RENEWAL_MARGIN_MS, lifetimeMs * RENEWAL_MARGIN_SHARE);

    let refreshExpiresAt: number | null = null;
    if (token.refresh_token_expires_in != null) {
      refreshExpiresAt = receivedAt + token.refresh_token_expires_in * 1000;
    } else if (token.refresh_token_expires_utc) {
      const parsed = Date.parse(token.refresh_token_expires_utc);
      refreshExpiresAt = Number.isNaN(parsed) ? null : parsed;
    }

    this.cached = {
      accessToken: token.access_token,
      renewAt: receivedAt + lifetimeMs - margin,
      refreshToken: token.refresh_token ?? null,
      refreshExpiresAt,
    };
    return this.cached;
  }
}
