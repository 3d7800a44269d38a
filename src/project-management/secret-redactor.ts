const REDACTED = '[redacted]';
/** Tokens remembered for redaction besides the client secret: the current and a few earlier ones. */
const MAX_REMEMBERED_TOKENS = 8;

/**
 * Removes the client secret and the tokens issued to the client from text, such as a detail message in PM's
 * error response, before the text reaches an error or a log record.
 */
export class SecretRedactor {
  private readonly tokens: string[] = [];

  constructor(private readonly clientSecret: string) {}

  /** Adds a token to redact from now on. */
  remember(token: string | null | undefined): void {
    if (!token || this.tokens.includes(token)) return;
    this.tokens.push(token);
    if (this.tokens.length > MAX_REMEMBERED_TOKENS) this.tokens.shift();
  }

  redact(text: string): string {
    let result = text;
    for (const secret of [this.clientSecret, ...this.tokens]) {
      if (secret) result = result.split(secret).join(REDACTED);
    }
    return result;
  }
}
