import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** Root of the repository, which docker-compose.yml resolves its relative paths against. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The parts of a Compose service that the tests read. */
export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  restart?: string;
}

/** The parts of a Compose file that the tests read. */
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Parses docker-compose.yml at the top of the repository. */
export function loadComposeFile(): ComposeFile {
  return YAML.parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
}

/** Reads the `NAME=value` lines of .env.example, skipping comments and blank lines. */
export function readEnvExample(): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) variables[match[1]] = match[2];
  }
  return variables;
}

/** `${NAME}`, `${NAME:?message}`, `${NAME:-default}` and the like, as Compose interpolates them. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** Returns the names of the variables that Compose interpolates into `value`. */
export function variablesIn(value: string): string[] {
  return [...value.replaceAll('$$', '').matchAll(VARIABLE)].map((match) => match[1]);
}

/**
 * Interpolates `value` as Compose does with the given variables: `$$` becomes `$` and a variable takes its value.
 * An unset variable takes its `-` default or raises an Error with its `?` message. With a colon (`:-`, `:?`), an empty
 * variable counts as unset too.
 */
export function interpolate(value: string, variables: Record<string, string>): string {
  return value
    .split('$$')
    .map((part) =>
      part.replace(VARIABLE, (_text, name: string, operator: string | undefined, argument: string | undefined) => {
        const found = variables[name];
        const emptyIsUnset = operator?.startsWith(':') ?? false;
        if (found !== undefined && (found !== '' || !emptyIsUnset)) return found;
        if (operator?.endsWith('-')) return argument ?? '';
        if (operator?.endsWith('?')) throw new Error(`${name}: ${argument}`);
        return '';
      }),
    )
    .join('$');
}

/** Returns a service's command as a list of words. A string command is split at whitespace, ignoring quotes. */
export function commandWords(service: ComposeService): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/).filter(Boolean) : command;
}

/** Returns the value that follows `option` in a command, or undefined when the option is absent. */
export function optionValue(words: string[], option: string): string | undefined {
  const index = words.indexOf(option);
  return index === -1 ? undefined : words[index + 1];
}

/** Returns the conditions of a service's `depends_on`, keyed by the service it waits for. */
export function dependencyConditions(service: ComposeService): Record<string, string | undefined> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, entry]) => [name, entry?.condition]));
}

/** Returns the one shell script that a service runs through `sh -c` or `bash -c`, with `$$` still escaped. */
export function shellScript(service: ComposeService): string {
  const words = commandWords(service);
  if (words.length !== 1) throw new Error(`expected one script as the command, found ${words.length} words`);
  return words[0];
}
