import { ApiFailure, jsonBody, type SimulatorRequest, type SimulatorResponse } from './http-exchange';
import type { PmSimulatorState } from './state';
import type { IssuedToken } from './tokens';

/** OAuth2 scopes the simulator grants: those of PM's description for the routes it serves. */
export const KNOWN_SCOPES = ['invoices:read', 'invoices:write', 'customers:read', 'settings:read', 'files:read'];

/** Client credentials the simulator accepts. */
export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
}

/** `POST /v1/token`: a token for ClientCredentials whose client id matches the `Client_Id` header. */
export function requestToken(
  request: SimulatorRequest,
  state: PmSimulatorState,
  credentials: SimulatorCredentials,
): SimulatorResponse {
  const body = jsonBody(request) as { client_id?: unknown; client_secret?: unknown; scope?: unknown } | null;
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof body.client_id !== 'string' ||
    typeof body.client_secret !== 'string'
  ) {
    throw new ApiFailure(400, 'InvalidRequest', 'client_id and client_secret are required', {
      type: 'RequestBody',
      name: 'credentials',
    });
  }
  if (
    body.client_id !== credentials.clientId ||
    body.client_secret !== credentials.clientSecret ||
    request.headers['client_id'] !== body.client_id
  ) {
    throw new ApiFailure(401, 'AuthenticationRequired', 'The client credentials are invalid');
  }

  const scopes = typeof body.scope === 'string' ? body.scope.split(/[\s,]+/).filter((scope) => scope !== '') : [];
  const unknown = scopes.filter((scope) => !KNOWN_SCOPES.includes(scope));
  if (unknown.length > 0) {
    throw new ApiFailure(400, 'InvalidParameter', `Unknown scope: ${unknown.join(' ')}`, {
      type: 'RequestBody',
      name: 'scope',
    });
  }

  const { tokenLifetimeSeconds, refreshTokenLifetimeSeconds } = state.settings;
  return tokenResponse(state.tokens.issue(body.client_id, scopes, tokenLifetimeSeconds, refreshTokenLifetimeSeconds));
}

/** `POST /v1/refreshtoken`: a new token for a refresh token, sent as a JSON string. */
export function refreshToken(request: SimulatorRequest, state: PmSimulatorState): SimulatorResponse {
  const refresh = jsonBody(request);
  if (typeof refresh !== 'string' || refresh === '') {
    throw new ApiFailure(400, 'InvalidRequest', 'The body must be the refresh token as a JSON string', {
      type: 'RequestBody',
      name: 'refreshToken',
    });
  }
  const clientId = String(request.headers['client_id'] ?? '');
  const { tokenLifetimeSeconds, refreshTokenLifetimeSeconds } = state.settings;
  const token = state.tokens.refresh(refresh, clientId, tokenLifetimeSeconds, refreshTokenLifetimeSeconds);
  if (!token) throw new ApiFailure(401, 'AuthenticationRequired', 'The refresh token is invalid or expired');
  return tokenResponse(token);
}

/** PublicAuthenticationOutputModel of an issued token. */
function tokenResponse(token: IssuedToken): SimulatorResponse {
  const now = Date.now();
  return {
    status: 200,
    json: {
      access_token: token.accessToken,
      access_token_type: 'Bearer',
      access_token_expires_in: Math.round((token.accessExpiresAt - now) / 1000),
      access_token_expires_utc: new Date(token.accessExpiresAt).toISOString(),
      refresh_token: token.refreshToken,
      refresh_token_expires_in: Math.round((token.refreshExpiresAt - now) / 1000),
      refresh_token_expires_utc: new Date(token.refreshExpiresAt).toISOString(),
      scope: token.scopes.join(' '),
    },
  };
}
