import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { TemporalSettings } from './clients-file';
import { ConfigError } from './load-config';

/** Connection options shared by the client's `Connection` and the worker's `NativeConnection`. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

/** Builds the Temporal connection options of the settings, reading certificates and the API key. */
export function temporalConnectionOptions(
  settings: TemporalSettings,
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: settings.address };

  if (settings.tls) {
    const read = (file: string, field: string) => {
      try {
        return readFileSync(file);
      } catch (error) {
        throw new ConfigError(`temporal.tls.${field}: cannot read ${file}: ${(error as Error).message}`);
      }
    };
    options.tls = {
      clientCertPair: {
        crt: read(settings.tls.clientCertPath, 'clientCertPath'),
        key: read(settings.tls.clientKeyPath, 'clientKeyPath'),
      },
      serverRootCACertificate: settings.tls.serverRootCaPath
        ? read(settings.tls.serverRootCaPath, 'serverRootCaPath')
        : undefined,
      serverNameOverride: settings.tls.serverName,
    };
  }

  if (settings.apiKeyEnv) {
    const apiKey = env[settings.apiKeyEnv];
    if (!apiKey) {
      throw new ConfigError(
        `temporal.apiKeyEnv names the environment variable ${settings.apiKeyEnv}, which is not set`,
      );
    }
    options.apiKey = apiKey;
    options.tls = options.tls ?? true;
  }
  return options;
}
