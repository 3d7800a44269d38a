import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_STATUS_PATCH_PATH } from '../../project-management/status-patch';
import { ADMIN_PREFIX, handleAdminRequest } from './admin-routes';
import { ApiFailure, exceptionResponse, type SimulatorRequest, type SimulatorResponse } from './http-exchange';
import { resourceRoutes, type ResourceRoute } from './resource-routes';
import { seedOrganisation } from './seed';
import { PmSimulatorState, type InjectedFault, type PmSimulatorSettings } from './state';
import { refreshToken, requestToken, type SimulatorCredentials } from './token-routes';

/** Client id that the simulator accepts by default, meant for the sandbox only. */
export const SANDBOX_CLIENT_ID = 'journal-import-sandbox';
/** Client secret that the simulator accepts by default, meant for the sandbox only. */
export const SANDBOX_CLIENT_SECRET = 'sandbox-secret';

/** Largest request body the simulator reads. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link startPmSimulator}; knobs can also change later through `state.configure`. */
export interface PmSimulatorOptions extends Partial<PmSimulatorSettings> {
  /**
   * IP address the server listens on. `0.0.0.0` listens on every IPv4 interface, which a container needs.
   * @default '127.0.0.1'
   */
  host?: string;
  /** TCP port; 0 picks a free port. @default 0 */
  port?: number;
  /** Number of issued invoices to seed. @default 50 */
  invoices?: number;
  /** Seed of the generated data. @default 1 */
  seed?: number;
  /** @default {@link SANDBOX_CLIENT_ID} */
  clientId?: string;
  /** @default {@link SANDBOX_CLIENT_SECRET} */
  clientSecret?: string;
  /** JSON Pointer that status changes must replace. @default {@link DEFAULT_STATUS_PATCH_PATH} */
  statusPatchPath?: string;
  /** Date of the first seeded invoice, `YYYY-MM-DD`. */
  firstInvoiceDate?: string;
  /** Receives every unexpected error that the simulator turns into a 500 response, with the request line. */
  onUnexpectedError?: (error: unknown, requestLine: string) => void;
}

/** A running simulator. */
export interface PmSimulator {
  /**
   * Base URL that the `/v1/...` routes follow, for example `http://127.0.0.1:40123`. A server that listens on every
   * interface gets the loopback address of the same IP version here.
   */
  url: string;
  state: PmSimulatorState;
  /** Stops the server and closes open connections. */
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS: PmSimulatorSettings = {
  latencyMs: 0,
  share429: 0,
  share500: 0,
  retryAfterSeconds: 1,
  tokenLifetimeSeconds: 3600,
  refreshTokenLifetimeSeconds: 86_400,
  faultsOnTokenRoutes: false,
};

/**
 * Starts an HTTP server (on 127.0.0.1 unless `host` names another address) that serves the routes of PM's REST API
 * that the import uses, with the same shapes, paging, token routes, `Client_Id` check and ExceptionModel errors, over
 * data seeded from `seed`.
 */
export async function startPmSimulator(options: PmSimulatorOptions = {}): Promise<PmSimulator> {
  const seed = options.seed ?? 1;
  const settings: PmSimulatorSettings = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof PmSimulatorSettings)[]) {
    if (options[key] !== undefined) Object.assign(settings, { [key]: options[key] });
  }
  const organisation = seedOrganisation({
    seed,
    invoices: options.invoices ?? 50,
    firstInvoiceDate: options.firstInvoiceDate,
  });
  const state = new PmSimulatorState(organisation, settings, seed);
  const credentials: SimulatorCredentials = {
    clientId: options.clientId ?? SANDBOX_CLIENT_ID,
    clientSecret: options.clientSecret ?? SANDBOX_CLIENT_SECRET,
  };
  const routes = resourceRoutes(state, options.statusPatchPath ?? DEFAULT_STATUS_PATCH_PATH);
  const delays = new Set<NodeJS.Timeout>();

  const server = createServer((incoming, outgoing) => {
    void serve(incoming, outgoing);
  });

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    let response: SimulatorResponse;
    let request: SimulatorRequest | null = null;
    try {
      request = await readRequest(incoming);
      if (request.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
        response = handleAdminRequest(request, state);
      } else {
        if (state.settings.latencyMs > 0) await delay(state.settings.latencyMs);
        response = await answerApi(request);
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (!(error instanceof ApiFailure)) {
        options.onUnexpectedError?.(error, `${incoming.method ?? 'GET'} ${incoming.url ?? '/'}`);
      }
      const failure =
        error instanceof ApiFailure
          ? error
          : new ApiFailure(500, 'InternalSystemError', `The simulator failed: ${detail}`);
      response = exceptionResponse(failure);
    }

    if (request && !request.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      state.recordRequest({
        method: request.method,
        path: request.pathname,
        query: queryRecord(request.query),
        status: response.status,
        hadClientId: request.headers['client_id'] !== undefined,
        hadBearer: /^Bearer /.test(request.headers.authorization ?? ''),
      });
    }
    try {
      write(outgoing, response);
    } catch (error) {
      // A header value Node refuses to send; the connection is dropped instead of ending the process.
      options.onUnexpectedError?.(error, `${incoming.method ?? 'GET'} ${incoming.url ?? '/'}`);
      outgoing.destroy();
    }
  }

  async function answerApi(request: SimulatorRequest): Promise<SimulatorResponse> {
    const clientId = request.headers['client_id'];
    if (clientId !== credentials.clientId) {
      throw new ApiFailure(401, 'AuthenticationRequired', 'The Client_Id header is missing or unknown', {
        type: 'RequestHeader',
        name: 'Client_Id',
      });
    }
    const tokenRoute = request.method === 'POST' && TOKEN_PATHS.includes(request.pathname);
    const match = tokenRoute ? null : matchRoute(routes, request);
    const fault = state.nextFault(tokenRoute);
    if (fault) throw faultFailure(fault);
    if (match === null) {
      return request.pathname === '/v1/token'
        ? requestToken(request, state, credentials)
        : refreshToken(request, state);
    }

    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ? state.tokens.validAccessToken(bearer, clientId) : null;
    if (!token) {
      throw new ApiFailure(401, 'AuthenticationRequired', 'The access token is missing, invalid or expired', {
        type: 'RequestHeader',
        name: 'Authorization',
      });
    }
    if (!token.scopes.includes(match.route.scope)) {
      throw new ApiFailure(403, 'InsufficientApiScope', `The access token lacks the scope ${match.route.scope}`);
    }
    return match.route.handle(request, match.guid);
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        delays.delete(timer);
        resolve();
      }, ms);
      delays.add(timer);
    });
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${urlHost(host)}:${port}`,
    state,
    stop: async () => {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Returns the host part of a URL that reaches a server listening on `host` from the same machine. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Paths of the token routes, which take no bearer token. */
const TOKEN_PATHS = ['/v1/token', '/v1/refreshtoken'];

/** Builds the ExceptionModel failure of an injected fault. */
function faultFailure(fault: InjectedFault): ApiFailure {
  const headers: Record<string, string> = fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {};
  const type =
    fault.status >= 500 ? 'InternalSystemError' : fault.status === 401 ? 'AuthenticationRequired' : 'InvalidRequest';
  return new ApiFailure(fault.status, type, fault.message ?? `Injected failure ${fault.status}`, undefined, headers);
}

function matchRoute(routes: ResourceRoute[], request: SimulatorRequest): { route: ResourceRoute; guid: string } {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(request.pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.method === request.method) return { route, guid: decodeURIComponent(match[1] ?? '') };
  }
  if (pathMatched) throw new ApiFailure(405, 'InvalidRequest', `${request.method} is not allowed on this route`);
  throw new ApiFailure(404, 'InvalidRequest', `No route ${request.pathname}`);
}

async function readRequest(incoming: IncomingMessage): Promise<SimulatorRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiFailure(413, 'InvalidRequest', 'The request body is too large');
    chunks.push(chunk as Buffer);
  }
  const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  return {
    method: incoming.method ?? 'GET',
    pathname: url.pathname,
    query: url.searchParams,
    headers: incoming.headers,
    body: Buffer.concat(chunks),
  };
}

function write(outgoing: ServerResponse, response: SimulatorResponse): void {
  if (outgoing.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  let payload: Uint8Array | string | undefined;
  if (response.bytes) {
    headers['Content-Type'] = response.contentType ?? 'application/octet-stream';
    payload = response.bytes;
  } else if (response.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(response.json);
  }
  outgoing.writeHead(response.status, headers);
  outgoing.end(payload);
}

function queryRecord(query: URLSearchParams): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [name, value] of query) (record[name] ??= []).push(value);
  return record;
}
