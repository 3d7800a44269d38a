const REDACTED = '[redacted]';
/** Tokens remembered for redaction besides the client secret; the oldest is forgotten first. */
export const MAX_REMEMBERED_TOKENS = 1000;
/** Shortest client secret the client accepts; a shorter one would also match inside ordinary words. */
export const MIN_CLIENT_SECRET_LENGTH = 8;

/** A client secret too short to redact safely. The message gives its length, never its value. */
export class ClientSecretTooShortError extends Error {
  constructor(readonly length: number) {
    super(
      `The PM client secret is ${length} characters long; it must have at least ${MIN_CLIENT_SECRET_LENGTH}. ` +
        'Check the environment variable that the clients file names for it.',
    );
    this.name = 'ClientSecretTooShortError';
  }
}

/**
 * Removes the client secret and the tokens issued to the client from text, such as a detail message in PM's
 * error response, before the text reaches an error or a log record. It remembers the latest
 * {@link MAX_REMEMBERED_TOKENS} access and refresh tokens: about three weeks of tokens at one renewal an hour.
 */
export class SecretRedactor {
  private readonly tokens = new Set<string>();

  /** Raises {@link ClientSecretTooShortError} for a secret shorter than {@link MIN_CLIENT_SECRET_LENGTH}. */
  constructor(private readonly clientSecret: string) {
    if (clientSecret.length < MIN_CLIENT_SECRET_LENGTH) throw new ClientSecretTooShortError(clientSecret.length);
  }

  /** Adds a token to redact from now on. */
  remember(token: string | null | undefined): void {
    if (!token || this.tokens.has(token)) return;
    this.tokens.add(token);
    if (this.tokens.size > MAX_REMEMBERED_TOKENS) {
      const oldest = this.tokens.values().next().value as string;
      this.tokens.delete(oldest);
    }
  }

  /** Returns the text with every remembered secret replaced by `[redacted]`. */
  redact(text: string): string {
    let result = text.split(this.clientSecret).join(REDACTED);
    for (const token of this.tokens) {
      result =
        token.length >= MIN_CLIENT_SECRET_LENGTH ? result.split(token).join(REDACTED) : redactWord(result, token);
    }
    return result;
  }
}

/** Replaces a short token only where it stands alone, not inside a longer run of letters and digits. */
function redactWord(text: string, token: string): string {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'), REDACTED);
}
