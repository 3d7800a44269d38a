import axios from 'axios';
import { inspect } from 'node:util';
import type { LogFields, PmLogger } from '../../src/project-management/logger';
import { ProjectManagementClient, type ProjectManagementClientOptions } from '../../src/project-management/client';
import { startPmSimulator, type PmSimulator, type PmSimulatorOptions } from '../../src/sandbox/pm-simulator';

/** Client id and secret the test simulators accept. */
export const TEST_CLIENT_ID = 'test-client';
export const TEST_CLIENT_SECRET = 'test-secret-5f0c9a7e21d4';

/** One record written to a {@link RecordingLogger}. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: LogFields;
}

/** Logger that keeps every record, so tests can read what the client logged. */
export class RecordingLogger implements PmLogger {
  readonly records: LogRecord[] = [];
  info(message: string, fields?: LogFields): void {
    this.records.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.records.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.records.push({ level: 'error', message, fields });
  }
}

/** Starts a simulator that accepts the test credentials. */
export function startTestSimulator(options: PmSimulatorOptions = {}): Promise<PmSimulator> {
  return startPmSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, ...options });
}

/** Creates a client of a simulator with the test credentials and a recording logger. */
export function clientOf(
  simulator: PmSimulator,
  options: Partial<ProjectManagementClientOptions> = {},
): { client: ProjectManagementClient; logger: RecordingLogger } {
  const logger = new RecordingLogger();
  const client = new ProjectManagementClient({
    baseUrl: simulator.url,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    logger,
    ...options,
  });
  return { client, logger };
}

/** Returns the error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Renders an error in every way it can be written out: message, stack, JSON and a deep inspection. */
export function everyRendering(error: unknown): string {
  const json = (() => {
    try {
      return JSON.stringify(error);
    } catch {
      return '';
    }
  })();
  const { message = '', stack = '' } = error instanceof Error ? error : {};
  return [message, stack, json, inspect(error, { depth: 10, showHidden: true })].join('\n');
}

/** Sends a raw request to a simulator with a fresh token of all scopes, bypassing the client. */
export async function rawGet(simulator: PmSimulator, path: string) {
  const token = await axios.post(
    `${simulator.url}/v1/token`,
    {
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
      scope: 'invoices:read invoices:write customers:read settings:read files:read',
    },
    { headers: { Client_Id: TEST_CLIENT_ID } },
  );
  return axios.get(`${simulator.url}${path}`, {
    headers: { Client_Id: TEST_CLIENT_ID, Authorization: `Bearer ${token.data.access_token}` },
    validateStatus: () => true,
  });
}
