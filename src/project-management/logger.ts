/** Fields of a structured log record, for example the route and the invoice number. */
export type LogFields = Record<string, unknown>;

/** Structured logger the PM client writes to. The worker passes its own; the default discards every record. */
export interface PmLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Logger that discards every record. */
export const silentLogger: PmLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
