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
  if (!Number.isInteger(value) || value < min || value > max) {
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

/** Decodes a page token into its parts; raises a 400 failure for one the simulator did not issue. */
export function decodePageToken(token: string, expectedParts: number): string[] {
  const parts = Buffer.from(token, 'base64url').toString('utf8').split(':');
  if (parts.length !== expectedParts) {
    throw new ApiFailure(400, 'InvalidParameter', 'pageToken is not a token this server issued', {
      type: 'UriParameter',
      name: 'pageToken',
    });
  }
  return parts;
}
