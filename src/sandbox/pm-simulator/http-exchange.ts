import type { IncomingHttpHeaders } from 'node:http';

/** A request as the simulator's routes see it. */
export interface SimulatorRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Response of a route: JSON, or bytes with their content type. */
export interface SimulatorResponse {
  status: number;
  json?: unknown;
  bytes?: Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

/** ExceptionTypeEnum values that the simulator responds with. */
export type ExceptionType =
  'AuthenticationRequired' | 'InsufficientApiScope' | 'InternalSystemError' | 'InvalidParameter' | 'InvalidRequest';

/** Location of the invalid input, as ExceptionLocationModel. */
export interface ExceptionLocation {
  type: 'PathParameter' | 'RequestBody' | 'RequestHeader' | 'UriParameter';
  name: string;
}

/** Raised by a route to respond with PM's ExceptionModel. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: ExceptionType,
    message: string,
    readonly location?: ExceptionLocation,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Builds the ExceptionModel response of a failure. */
export function exceptionResponse(failure: ApiFailure): SimulatorResponse {
  return {
    status: failure.status,
    headers: failure.headers,
    json: {
      error: {
        httpStatusCode: failure.status,
        type: failure.type,
        details: [{ message: failure.message, location: failure.location ?? null, url: null }],
        stack: null,
      },
    },
  };
}

/** Parses a JSON request body; raises a 400 failure when it is not JSON. */
export function jsonBody(request: SimulatorRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new ApiFailure(400, 'InvalidRequest', 'The request body is not valid JSON', {
      type: 'RequestBody',
      name: 'body',
    });
  }
}

/** Reads an integer query parameter within bounds; raises a 400 failure otherwise. */
export function integerParameter(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ApiFailure(400, 'InvalidParameter', `${name} must be an integer from ${min} to ${max}`, {
      type: 'UriParameter',
      name,
    });
  }
  return value;
}

/** Encodes a page token; the simulator's tokens are opaque to clients, as PM's are. */
export function encodePageToken(parts: (string | number)[]): string {
  return Buffer.from(parts.join(':'), 'utf8').toString('base64url');
}

/**
 * Decodes a page token into the listing it belongs to and the offset of the page's first item. Raises a 400
 * failure for a token the simulator did not issue; the caller checks that the listing and offset exist.
 */
export function decodePageToken(token: string): { listing: string; offset: number } {
  const parts = Buffer.from(token, 'base64url').toString('utf8').split(':');
  if (parts.length !== 2 || !/^\d{1,9}$/.test(parts[1])) throw invalidPageToken();
  return { listing: parts[0], offset: Number(parts[1]) };
}

/** Builds the 400 failure of a page token that is unknown, expired or issued for another listing. */
export function invalidPageToken(): ApiFailure {
  return new ApiFailure(400, 'InvalidParameter', 'pageToken is unknown, expired or issued for another listing', {
    type: 'UriParameter',
    name: 'pageToken',
  });
}
