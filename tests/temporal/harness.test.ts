import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { TypedSearchAttributes } from '@temporalio/common';
import * as activities from '../fixtures/harness-activities';
import { sleepForDays } from '../fixtures/harness-workflows';
import { CLIENT_KEY, INVOICE_NUMBER, INVOICE_STATUS } from '../../src/domain/search-attributes';
import { createDevEnvironment, createTimeSkippingEnvironment, DevEnvironment } from '../harness/temporal-environments';

const workflowsPath = require.resolve('../fixtures/harness-workflows');

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  test('30-day sleep completes in seconds', async () => {
    const taskQueue = `harness-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });

    const startedAt = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepForDays, { args: [30], taskQueue, workflowId: `sleep-${randomUUID()}` }),
    );
    const wallSeconds = (Date.now() - startedAt) / 1000;

    expect(result).toEqual(['ran before sleep', 'ran after sleep']);
    expect(wallSeconds).toBeLessThan(60);
  });
});

describe('dev server', () => {
  let dev: DevEnvironment;

  beforeAll(async () => {
    dev = await createDevEnvironment();
  });

  afterAll(async () => {
    await dev?.teardown();
  });

  test('binds to loopback', () => {
    expect(dev.server.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  test('visibility finds custom search attribute', async () => {
    const taskQueue = `harness-${randomUUID()}`;
    const invoiceNumber = `H-${randomUUID().slice(0, 8)}`;
    const worker = await Worker.create({
      connection: dev.env.nativeConnection,
      taskQueue,
      workflowsPath,
      activities,
    });

    await worker.runUntil(
      dev.env.client.workflow.execute(sleepForDays, {
        args: [0],
        taskQueue,
        workflowId: `invoice/harness/${invoiceNumber}`,
        typedSearchAttributes: new TypedSearchAttributes([
          { key: CLIENT_KEY, value: 'harness' },
          { key: INVOICE_NUMBER, value: invoiceNumber },
          { key: INVOICE_STATUS, value: 'NeedsAttention' },
        ]),
      }),
    );

    const query = `InvoiceNumber = "${invoiceNumber}" AND InvoiceStatus = "NeedsAttention"`;
    const found = await pollVisibility(dev, query);
    expect(found).toEqual([`invoice/harness/${invoiceNumber}`]);
  });
});

// Visibility on the dev server is eventually consistent, so the query is repeated for up to 15 seconds.
async function pollVisibility(dev: DevEnvironment, query: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ids: string[] = [];
    for await (const execution of dev.env.client.workflow.list({ query })) {
      ids.push(execution.workflowId);
    }
    if (ids.length > 0 || Date.now() > deadline) return ids;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
