import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { PmApiError } from './errors';
import type { PmLogger } from './logger';
import { invalidResponse, parseJsonResponse, type PmResponse } from './response-parsing';
import type { PmRequest } from './transport';

/** Rows per page of every list request; PM's maximum for the routes that state one. */
export const PAGE_SIZE = 100;

/**
 * Most pages read from one list before the client assumes PM's paging has gone wrong: 100,000 items at
 * {@link PAGE_SIZE} rows, more than the issued invoices of any one organisation the import serves.
 */
export const MAX_PAGES = 1000;

/** Retries of a failed page request within a listing, so that a listing resumes at the page that failed. */
export interface PageRetryOptions {
  /** Attempts per page, the first one included. @default 5 */
  maxAttempts?: number;
  /** Wait before the second attempt when PM sends no `Retry-After`, doubled for each later one. @default 1 second */
  initialDelayMs?: number;
  /** Maximum wait before one attempt; a longer `Retry-After` ends the listing at once. @default 30 seconds */
  maxDelayMs?: number;
  /**
   * Maximum total wait of one listing; when it would be exceeded, the listing ends with the last error. It is
   * kept below the one-minute heartbeat timeout of the listing activities. @default 30 seconds
   */
  maxTotalDelayMs?: number;
}

/** Defaults of {@link PageRetryOptions}. */
export const DEFAULT_PAGE_RETRY: Required<PageRetryOptions> = {
  maxAttempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxTotalDelayMs: 30_000,
};

/** Sends one request and returns its 2xx response, or raises a `PmApiError`. */
export type SendRequest = (request: PmRequest) => Promise<PmResponse>;

/** One page of a list route with the response and request it came from. */
export interface ListPage<T> {
  items: T[];
  response: PmResponse;
  request: PmRequest;
}

/**
 * Returns a sender for the pages of one listing. A page request that fails with a retryable `PmApiError` is sent
 * again after PM's `Retry-After`, or after an exponential backoff when PM gave none. Beyond the limits of
 * `options`, the last error is raised, still retryable, so that the caller can retry the whole listing later.
 */
export function pageSender(send: SendRequest, options: Required<PageRetryOptions>, logger: PmLogger): SendRequest {
  let waitedMs = 0;
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(request);
      } catch (error) {
        if (!(error instanceof PmApiError) || !error.retryable || attempt >= options.maxAttempts) throw error;
        const backoffMs = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
        const delayMs = error.retryAfterMs ?? backoffMs;
        if (delayMs > options.maxDelayMs || waitedMs + delayMs > options.maxTotalDelayMs) throw error;

        logger.info('PM page request is retried', {
          route: request.route,
          invoice: request.invoice,
          attempt: attempt + 1,
          delayMs,
          errorType: error.name,
        });
        await sleep(delayMs);
        waitedMs += delayMs;
      }
    }
  };
}

/**
 * Yields the pages of a list route that pages with `rowCount` and `pageToken`, until a response comes without a
 * `NextPageToken` header or with no items. Raises a non-retryable `PmResponseInvalidError` when PM repeats a page
 * token, sends a page with the same items as the page before, or still pages after {@link MAX_PAGES} pages,
 * because each of these would never end.
 */
export async function* pagesByToken<T>(
  sendPage: SendRequest,
  schema: z.ZodType<T>,
  route: string,
  path: string,
  params: URLSearchParams,
  invoice: string | null,
  invoiceList = false,
): AsyncGenerator<ListPage<T>> {
  const seenTokens = new Set<string>();
  let previousKeys: Set<string> | null = null;
  let pageToken: string | null = null;
  for (let page = 1; ; page++) {
    const pageParams = new URLSearchParams(params);
    pageParams.set('rowCount', String(PAGE_SIZE));
    if (pageToken !== null) pageParams.set('pageToken', pageToken);
    const request: PmRequest = {
      method: 'GET',
      route,
      path: `${path}?${pageParams}`,
      invoice,
      accept: 'application/json',
    };
    const response = await sendPage(request);
    const items = parseJsonResponse(schema.array(), response, request, invoiceList);

    const keys = new Set(items.map(itemKey));
    if (items.length > 0 && previousKeys !== null && sameKeys(keys, previousKeys)) {
      throw invalidResponse(
        response,
        request,
        '(body)',
        `repeats the items of page ${page - 1} on page ${page}`,
        'PM’s paging would not end, so the listing stops; retrying will not help.',
      );
    }
    previousKeys = keys;
    yield { items, response, request };

    pageToken = response.headers['nextpagetoken']?.trim() || null;
    if (pageToken === null || items.length === 0) return;
    if (seenTokens.has(pageToken)) {
      throw invalidResponse(
        response,
        request,
        'NextPageToken header',
        `repeats the token of an earlier page on page ${page}`,
        'PM’s paging would not end, so the listing stops; retrying will not help.',
      );
    }
    if (page >= MAX_PAGES) {
      throw invalidResponse(
        response,
        request,
        'NextPageToken header',
        `is still present after ${MAX_PAGES} pages of ${PAGE_SIZE}`,
        'The client reads at most that many pages of one list; narrow the listing, for example by date.',
      );
    }
    seenTokens.add(pageToken);
  }
}

function sameKeys(keys: Set<string>, previous: Set<string>): boolean {
  return keys.size === previous.size && [...keys].every((key) => previous.has(key));
}

/** Identifies an item within a listing: its GUID when it has one, otherwise its whole JSON. */
function itemKey(item: unknown): string {
  const guid = typeof item === 'object' && item !== null ? (item as { guid?: unknown }).guid : undefined;
  return typeof guid === 'string' ? `guid:${guid}` : `json:${JSON.stringify(item)}`;
}
