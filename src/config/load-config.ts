import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { ClientSettings, ClientsFile, ClientsFileSchema } from './clients-file';

/** Raised when the clients file is missing, unreadable or invalid; the message names the client and the field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates a clients file in JSON or YAML (chosen by the file extension). */
export function loadClientsFile(file: string): ClientsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the clients file ${file}: ${(error as Error).message}`);
  }

  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path.extname(file)) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `The clients file ${file} is not valid ${path.extname(file).slice(1).toUpperCase()}: ${(error as Error).message}`,
    );
  }
  return parseClientsFile(raw, file);
}

/** Validates a parsed clients file; `source` names it in error messages. */
export function parseClientsFile(raw: unknown, source: string): ClientsFile {
  const result = ClientsFileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${describeIssue(raw, issue)}`);
    throw new ConfigError(`Invalid clients file ${source}:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Returns the settings of one client, or raises a ConfigError that lists the known keys. */
export function findClient(file: ClientsFile, key: string): ClientSettings {
  const client = file.clients.find((candidate) => candidate.key === key);
  if (!client) {
    const known = file.clients.map((candidate) => candidate.key).join(', ');
    throw new ConfigError(`Client "${key}" is not in the clients file; known clients: ${known}`);
  }
  return client;
}

/**
 * Reads the secret held by the environment variable `name`, for the field `field` of client `client`.
 * The message of a missing variable names the variable, never a value.
 */
export function readSecret(name: string, client: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) {
    throw new ConfigError(`Client "${client}": ${field} names the environment variable ${name}, which is not set`);
  }
  return value;
}

function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const [first, index, ...rest] = issue.path;
  if (first === 'clients' && typeof index === 'number') {
    const key = clientKeyAt(raw, index);
    const field = rest.join('.') || '(entry)';
    return `client "${key ?? `#${index + 1}`}", field ${field}: ${issue.message}`;
  }
  return `field ${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

function clientKeyAt(raw: unknown, index: number): string | undefined {
  const clients = (raw as { clients?: unknown })?.clients;
  if (!Array.isArray(clients)) return undefined;
  const key = (clients[index] as { key?: unknown })?.key;
  return typeof key === 'string' ? key : undefined;
}
