import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProjectManagementClient } from '../../src/project-management/client';
import { PmResponseInvalidError } from '../../src/project-management/errors';
import { MAX_PAGES } from '../../src/project-management/paging';
import { rejectionOf } from '../harness/pm-simulator';

/** How a faulty server pages `GET /v1/invoices`: it gets the page number and returns the items and next token. */
type Pager = (page: number) => { items: { guid: string; number: number }[]; nextPageToken: string | null };

/**
 * Starts a loopback server that responds to the token and status routes as PM does, and pages invoices as `pager`
 * says, so that tests can send the client paging that never ends.
 */
async function startFaultyServer(
  pager: Pager,
): Promise<{ url: string; listRequests: () => number; stop(): Promise<void> }> {
  let listRequests = 0;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(200, { 'Content-Type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    request.resume();
    if (url.pathname === '/v1/token') {
      send({ access_token: 'faulty-server-access-token', access_token_expires_in: 3600 });
    } else if (url.pathname === '/v1/invoicestatuses') {
      send([{ guid: 'status-sent', name: 'Sendt', isSent: true }]);
    } else {
      listRequests++;
      const page = url.searchParams.has('pageToken') ? listRequests : 1;
      const { items, nextPageToken } = pager(page);
      send(items, nextPageToken ? { NextPageToken: nextPageToken } : {});
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    listRequests: () => listRequests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function clientFor(url: string): ProjectManagementClient {
  return new ProjectManagementClient({ baseUrl: url, clientId: 'faulty-client', clientSecret: 'faulty-secret-0123' });
}

const pageOf = (page: number, size = 100) =>
  Array.from({ length: size }, (_, index) => ({ guid: `invoice-${page}-${index}`, number: page * 100 + index }));

describe('PM client paging guard', () => {
  test('repeated page stops listing', async () => {
    const server = await startFaultyServer((page) => ({ items: pageOf(1), nextPageToken: `token-${page}` }));

    const error = (await rejectionOf(
      clientFor(server.url).listIssuedInvoicesChangedSince(null),
    )) as PmResponseInvalidError;
    await server.stop();

    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('repeats the items of page 1 on page 2');
    expect(server.listRequests()).toBe(2);
  });

  test('repeated token stops listing', async () => {
    const server = await startFaultyServer((page) => ({ items: pageOf(page), nextPageToken: 'same-token' }));

    const error = (await rejectionOf(
      clientFor(server.url).listIssuedInvoicesChangedSince(null),
    )) as PmResponseInvalidError;
    await server.stop();

    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.field).toBe('NextPageToken header');
    expect(error.message).toContain('repeats the token of an earlier page');
    expect(server.listRequests()).toBe(2);
  });

  test('endless paging stops at maximum', async () => {
    // Short pages keep the test fast; the client counts pages whatever their length.
    const server = await startFaultyServer((page) => ({ items: pageOf(page, 1), nextPageToken: `token-${page}` }));

    const error = (await rejectionOf(
      clientFor(server.url).listIssuedInvoicesChangedSince(null),
    )) as PmResponseInvalidError;
    await server.stop();

    expect(error).toBeInstanceOf(PmResponseInvalidError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`after ${MAX_PAGES} pages`);
    expect(MAX_PAGES).toBeLessThanOrEqual(1000);
    expect(server.listRequests()).toBe(MAX_PAGES);
  });
});
