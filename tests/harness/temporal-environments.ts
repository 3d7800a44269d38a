import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { DevServerOptions, RunningDevServer, startDevServer } from '../../src/sandbox/temporal-dev-server';
import { resolveTemporalTools } from '../../src/sandbox/temporal-tools';

/** A dev server with a test environment connected to it. */
export interface DevEnvironment {
  env: TestWorkflowEnvironment;
  server: RunningDevServer;
  /** Closes the connections and stops the server; safe to call twice. */
  teardown(): Promise<void>;
}

/**
 * Starts the Temporal dev server on 127.0.0.1 with the project's search attributes registered, and connects a
 * test environment to it. Call `teardown` in `afterAll`.
 */
export async function createDevEnvironment(options: Partial<DevServerOptions> = {}): Promise<DevEnvironment> {
  const { cliPath } = resolveTemporalTools({ install: false });
  const server = await startDevServer({ cliPath, ...options });

  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: server.address,
      namespace: server.namespace,
    });
  } catch (error) {
    await server.stop();
    throw error;
  }

  let tornDown = false;
  return {
    env,
    server,
    async teardown() {
      if (tornDown) return;
      tornDown = true;
      try {
        await env.teardown();
      } finally {
        await server.stop();
      }
    },
  };
}

/**
 * Starts the time-skipping test server through the SDK with the installed executable. The SDK waits only a few
 * seconds for the server to listen, which a loaded 2-core machine can miss, so a failed start is tried once more.
 * The project's search attributes are registered, since workflows set them.
 * NOTE: the test server binds every interface on its random port; it offers no option to bind only 127.0.0.1.
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const { testServerPath } = resolveTemporalTools({ install: false });
  const start = () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServerPath } },
    });

  let env: TestWorkflowEnvironment;
  try {
    env = await start();
  } catch (firstError) {
    process.stderr.write(`time-skipping test server failed to start, trying once more: ${String(firstError)}\n`);
    env = await start();
  }

  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        CUSTOM_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
      ),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}
