/** Shorter strings could occur by chance in ordinary text; credentials are never this short. */
const MIN_SECRET_LENGTH = 8;

/**
 * Removes credential values from text before it reaches an event, an error or a file.
 * AWS error messages can quote them: a signature mismatch echoes the canonical request,
 * which carries the access key id and the session token.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers values to hide; empty or very short values are ignored. */
  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (value !== undefined && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
    }
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a token containing a key id is hidden whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.replaceAll(secret, '[redacted]');
    }
    return out;
  }
}
