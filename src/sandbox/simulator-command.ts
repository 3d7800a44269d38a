import { InvalidArgumentError, type Command } from 'commander';
import { isIP } from 'node:net';
import { DEFAULT_STATUS_PATCH_PATH } from '../project-management/status-patch';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, startPmSimulator } from './pm-simulator';
import { MAX_SEEDED_INVOICES } from './pm-simulator/seed';

/** Address the simulator listens on unless `--host` gives another. */
export const DEFAULT_SIMULATOR_HOST = '127.0.0.1';

interface PmSimulatorCommandOptions {
  host: string;
  port: number;
  invoices: number;
  seed: number;
  clientId: string;
  clientSecret: string;
  latencyMs: number;
  share429: number;
  share500: number;
  tokenLifetime: number;
  statusPatchPath: string;
}

/** Registers `journal-import simulator pm`, which runs the PM simulator until SIGINT or SIGTERM. */
export function registerSimulatorCommands(program: Command): void {
  const simulator = program.command('simulator').description('Run a simulator of an external system.');

  simulator
    .command('pm')
    .description("Serve a simulation of Project Management's REST API with seeded invoices, on 127.0.0.1 by default.")
    .option(
      '--host <address>',
      'IP address to listen on; 0.0.0.0 listens on every IPv4 interface, which a container needs',
      ipAddressOption,
      DEFAULT_SIMULATOR_HOST,
    )
    .option('--port <port>', 'TCP port; 0 picks a free port', integerOption(0, 65_535), 0)
    .option('--invoices <count>', 'number of issued invoices to seed', integerOption(0, MAX_SEEDED_INVOICES), 50)
    .option(
      '--seed <seed>',
      'seed of the generated invoices; the same seed gives the same data',
      integerOption(0, 2 ** 32 - 1),
      1,
    )
    .option('--client-id <id>', 'client id the simulator accepts', SANDBOX_CLIENT_ID)
    .option('--client-secret <secret>', 'client secret the simulator accepts', SANDBOX_CLIENT_SECRET)
    .option('--latency-ms <ms>', 'delay before each API response, in milliseconds', integerOption(0, 600_000), 0)
    .option(
      '--share-429 <share>',
      'share (0 to 1) of API requests that get a 429 Too Many Requests response',
      shareOption,
      0,
    )
    .option(
      '--share-500 <share>',
      'share (0 to 1) of API requests that get a 500 Internal Server Error response',
      shareOption,
      0,
    )
    .option(
      '--token-lifetime <seconds>',
      'lifetime of issued access tokens, in seconds',
      integerOption(1, 86_400),
      3600,
    )
    .option(
      '--status-patch-path <pointer>',
      'JSON Pointer that a status change must replace, as the clients file sets it for the PM client',
      pointerOption,
      DEFAULT_STATUS_PATCH_PATH,
    )
    .action(async (options: PmSimulatorCommandOptions) => {
      const simulator = await startPmSimulator({
        host: options.host,
        port: options.port,
        invoices: options.invoices,
        seed: options.seed,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        latencyMs: options.latencyMs,
        share429: options.share429,
        share500: options.share500,
        tokenLifetimeSeconds: options.tokenLifetime,
        statusPatchPath: options.statusPatchPath,
        onUnexpectedError: (error, requestLine) => {
          console.error(
            `PM simulator failed on ${requestLine}: ${error instanceof Error ? error.stack : String(error)}`,
          );
        },
      });
      const boundTo = options.host === DEFAULT_SIMULATOR_HOST ? '' : ` (bound to ${options.host})`;
      console.log(`PM simulator listening on ${simulator.url}${boundTo}`);
      console.log(`Client id: ${options.clientId}`);
      console.log(`Status changes replace ${options.statusPatchPath}`);
      console.log(`Seeded ${options.invoices} issued invoices from seed ${options.seed}. Stop with Ctrl-C.`);

      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await simulator.stop();
      console.log(`PM simulator stopped (${signal}).`);
    });
}

function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return number;
  };
}

function ipAddressOption(value: string): string {
  if (isIP(value) === 0) {
    throw new InvalidArgumentError('expected an IPv4 or IPv6 address, for example 127.0.0.1 or 0.0.0.0');
  }
  return value;
}

function shareOption(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new InvalidArgumentError('expected a share from 0 to 1, for example 0.1');
  }
  return number;
}

function pointerOption(value: string): string {
  if (!/^\/\S+$/.test(value)) {
    throw new InvalidArgumentError('expected a JSON Pointer that starts with "/", for example /status/guid');
  }
  return value;
}
