import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../domain/search-attributes';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Path of the `temporal` CLI. */
  cliPath: string;
  /** gRPC port on 127.0.0.1; 0 picks a free port. @default 0 */
  port?: number;
  /** Web UI port on 127.0.0.1; 0 picks a free port, `false` runs without the UI. @default false */
  uiPort?: number | false;
  /** SQLite file that keeps the server's state across restarts; in memory when absent. */
  dbFile?: string;
  /** Namespace created at start, beside `default`. @default 'default' */
  namespace?: string;
  /** Search attributes registered at start. @default the project's custom search attributes */
  searchAttributes?: SearchAttributeKey<SearchAttributeType>[];
  /** File that receives the server's own output; discarded when absent. */
  logFile?: string;
  /** How long to wait for the server to respond before giving up, in milliseconds. @default 60 seconds */
  startTimeoutMs?: number;
}

/** A dev server process started by {@link startDevServer}. */
export interface RunningDevServer {
  /** gRPC address, `127.0.0.1:<port>`. */
  address: string;
  namespace: string;
  /** Web UI address, when the UI runs. */
  uiUrl?: string;
  pid: number;
  /** Stops the server: SIGTERM, then SIGKILL after 10 seconds. */
  stop(): Promise<void>;
}

/** Raised when the dev server exits or does not respond in time. */
export class DevServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevServerStartError';
  }
}

const SEARCH_ATTRIBUTE_CLI_TYPES: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

const runningServers = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts `temporal server start-dev` bound to 127.0.0.1 and waits until its namespace responds.
 * The process is started here rather than by the SDK so that a slow start on a loaded machine gets
 * `startTimeoutMs` instead of the SDK's fixed few seconds, and so that a state file and the UI can be kept.
 */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const port = options.port || (await findFreePort());
  const uiPort =
    options.uiPort === false || options.uiPort === undefined ? undefined : options.uiPort || (await findFreePort());
  const namespace = options.namespace ?? 'default';
  const address = `127.0.0.1:${port}`;

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push('--http-port', String(await findFreePort()), '--metrics-port', String(await findFreePort()));
  if (uiPort === undefined) {
    args.push('--headless');
  } else {
    args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
  }
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (namespace !== 'default') {
    args.push('--namespace', namespace);
  }
  for (const key of options.searchAttributes ?? CUSTOM_SEARCH_ATTRIBUTES) {
    args.push('--search-attribute', `${key.name}=${SEARCH_ATTRIBUTE_CLI_TYPES[key.type]}`);
  }

  // A process group of its own keeps a terminal's Ctrl-C from killing the server before its clients have stopped;
  // stop() and the exit hook below end it.
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  trackUntilExit(child);
  const outputTail: string[] = [];
  const logStream = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      logStream?.write(chunk);
      outputTail.push(chunk.toString());
      if (outputTail.length > 20) outputTail.shift();
    });
  }

  const stop = () => stopProcess(child).finally(() => logStream?.end());
  try {
    await waitUntilServing(child, address, namespace, options.startTimeoutMs ?? 60_000, outputTail);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    address,
    namespace,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    pid: child.pid ?? -1,
    stop,
  };
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(
  child: ChildProcess,
  address: string,
  namespace: string,
  timeoutMs: number,
  outputTail: string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });

  for (;;) {
    if (exited) {
      throw new DevServerStartError(`Temporal dev server ${exited} before serving: ${outputTail.join('').trim()}`);
    }
    if (Date.now() > deadline) {
      throw new DevServerStartError(
        `Temporal dev server did not respond on ${address} within ${timeoutMs} ms: ${outputTail.join('').trim()}`,
      );
    }
    if (await namespaceResponds(address, namespace)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function namespaceResponds(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// Kills every server still running when this process exits, so that none outlives a crashed test or Ctrl-C.
function trackUntilExit(child: ChildProcess): void {
  runningServers.add(child);
  child.once('exit', () => runningServers.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const server of runningServers) server.kill('SIGKILL');
    });
  }
}
