import { z } from 'zod';

// The clients file: one entry per client of the accounting bureau. Secrets never appear in it; fields ending in
// `Env` name the environment variable that contains the secret.

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, 'must be the name of an environment variable, not the secret itself');

/** Connection to the client's PM organisation. */
export const ProjectManagementSettingsSchema = z.strictObject({
  /** Base URL of the API, for example `https://api.severa.visma.com/rest-api`. */
  baseUrl: z.url(),
  /** Client id of the API credentials; not a secret. */
  clientId: z.string().min(1),
  /** Name of the environment variable that contains the client secret. */
  clientSecretEnv: envName,
  /** OAuth2 scopes requested with the token, separated by spaces; the PM client's default when absent. */
  scope: z.string().min(1).optional(),
  /** Timeout of one HTTP request, in milliseconds. */
  timeoutMs: z.number().int().positive().default(30_000),
  /**
   * JSON Patch path that sets an invoice's status; the PM client's default when absent. PM does not document the
   * patch input model.
   */
  statusPatchPath: z.string().startsWith('/').optional(),
});

/**
 * Table and column names that replace the defaults, per table key, for example
 * `{ "openEntry": { "restAmount": "RestAm2" } }`; the same shape as `journal-import vb check --names`.
 */
const SchemaNamesSchema = z.record(z.string(), z.record(z.string(), z.string())).optional();

/** Connection to the client's Visma Business company database. */
export const VismaBusinessSettingsSchema = z.discriminatedUnion('engine', [
  z.strictObject({
    engine: z.literal('mssql'),
    /** Name of the environment variable that contains the SQL Server connection string of the company database. */
    connectionStringEnv: envName,
    schemaNames: SchemaNamesSchema,
  }),
  z.strictObject({
    engine: z.literal('sqlite'),
    /** Path of the SQLite file; for the sandbox and tests only. */
    file: z.string().min(1),
    schemaNames: SchemaNamesSchema,
  }),
]);

/** KID layout the client's bank agreement expects. */
export const KidLayoutSchema = z.strictObject({
  algorithm: z.enum(['mod10', 'mod11']).default('mod10'),
  /** Fixed width of the invoice number part, zero-padded; null keeps the number as it is. */
  invoiceDigits: z.number().int().min(1).max(24).nullable().default(null),
  /** Fixed width of the customer number part, zero-padded; null keeps the number as it is. */
  customerDigits: z.number().int().min(1).max(24).nullable().default(null),
});

/** Statuses written back to PM. */
export const StatusWriteBackSchema = z.strictObject({
  Sent: z.boolean().default(true),
  Open: z.boolean().default(true),
  Paid: z.boolean().default(true),
});

/** Intervals of the sync and the status watch. */
export const PollingSchema = z.strictObject({
  /** Time between two sync passes that list changed invoices in PM, in seconds. */
  syncIntervalSeconds: z.number().int().positive().default(300),
  /** First delay of the status watch after posting, in seconds; later delays grow with the invoice's age. */
  statusInitialSeconds: z.number().int().positive().default(900),
  /** Maximum delay between two status reads, in seconds. */
  statusMaxSeconds: z.number().int().positive().default(86_400),
  /**
   * Watch statuses with the client's status sweep: one set-based read of Visma Business per sweep interval signals
   * the invoices whose status changed, and each invoice reads on its own only as a fallback. When false, each
   * invoice reads on the schedule of `statusInitialSeconds` and `statusMaxSeconds`.
   */
  statusSweep: z.boolean().default(true),
  /** Time between two status sweeps of the client, in seconds. */
  statusSweepSeconds: z.number().int().positive().default(300),
  /**
   * Delay of the first fallback read of an invoice under the sweep, in seconds after the last read. The delay
   * doubles after each fallback read that finds no change, up to 32 times this value.
   */
  statusFallbackSeconds: z.number().int().positive().default(86_400),
});

/** One client of the bureau. */
export const ClientSettingsSchema = z.strictObject({
  /** Short key of the client, used in workflow ids and search attributes: letters, digits, `-` and `_`. */
  key: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1 to 40 letters, digits, "-" or "_"'),
  displayName: z.string().min(1).optional(),
  projectManagement: ProjectManagementSettingsSchema,
  vismaBusiness: VismaBusinessSettingsSchema,
  /** Voucher type of imported invoices (`VoTp`). */
  voucherType: z.number().int().positive().default(11),
  /** Range of voucher numbers the import may use. */
  voucherSeries: z
    .strictObject({ first: z.number().int().positive(), last: z.number().int().positive() })
    .refine((series) => series.first <= series.last, 'first must not be greater than last'),
  kid: KidLayoutSchema.default({ algorithm: 'mod10', invoiceDigits: null, customerDigits: null }),
  automation: z
    .strictObject({
      /** Post invoices as soon as they are found; when false, each waits for an admin's approval. */
      importWithoutApproval: z.boolean().default(true),
      statusWriteBack: StatusWriteBackSchema.default({ Sent: true, Open: true, Paid: true }),
    })
    .default({ importWithoutApproval: true, statusWriteBack: { Sent: true, Open: true, Paid: true } }),
  polling: PollingSchema.default({
    syncIntervalSeconds: 300,
    statusInitialSeconds: 900,
    statusMaxSeconds: 86_400,
    statusSweep: true,
    statusSweepSeconds: 300,
    statusFallbackSeconds: 86_400,
  }),
  /** Largest invoice PDF stored, in bytes. */
  maxPdfBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** How long an unknown customer may wait for the master-data integration before a person is asked, in hours. */
  customerGraceHours: z.number().positive().default(24),
  /** How long an invoice waits in NeedsAttention for an admin's retry before its workflow ends, in days. */
  needsAttentionTimeoutDays: z.number().positive().default(60),
});
export type ClientSettings = z.infer<typeof ClientSettingsSchema>;

/** Temporal connection of the worker and the command line. */
export const TemporalSettingsSchema = z.strictObject({
  address: z.string().min(1).default('127.0.0.1:7233'),
  namespace: z.string().min(1).default('default'),
  taskQueue: z.string().min(1).default('journal-import'),
  /** Name of the environment variable that holds a Temporal Cloud API key. */
  apiKeyEnv: envName.optional(),
  /** Mutual TLS: paths of the client certificate and key, and optionally the server's CA. */
  tls: z
    .strictObject({
      clientCertPath: z.string().min(1),
      clientKeyPath: z.string().min(1),
      serverRootCaPath: z.string().min(1).optional(),
      serverName: z.string().min(1).optional(),
    })
    .optional(),
  /** Web UI base address, for links printed by the command line. */
  webUiUrl: z.url().optional(),
});
export type TemporalSettings = z.infer<typeof TemporalSettingsSchema>;

/** The whole clients file. */
export const ClientsFileSchema = z
  .strictObject({
    temporal: TemporalSettingsSchema.default({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'journal-import',
    }),
    /** Address the worker's Prometheus metrics listen on, for example `127.0.0.1:9464`. */
    metricsAddress: z.string().min(1).optional(),
    clients: z.array(ClientSettingsSchema).min(1),
  })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.clients.forEach((client, index) => {
      if (seen.has(client.key)) {
        context.addIssue({ code: 'custom', path: ['clients', index, 'key'], message: `duplicate client key` });
      }
      seen.add(client.key);
    });
  });
export type ClientsFile = z.infer<typeof ClientsFileSchema>;
