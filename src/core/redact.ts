/** Shorter strings could occur by chance in ordinary text; credentials are never this short. */
const MIN_SECRET_LENGTH = 8;

export const REDACTED = '[redacted]';

/**
 * The one redaction of a job: every secret it learns (AWS credentials, build-env values, a
 * proxy's password) is hidden from every output: events, `--json`, errors, build logs, files.
 * AWS error messages can quote credentials (a signature mismatch echoes the canonical request),
 * and a build script can echo a variable it was given.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private sorted: string[] = [];

  /** Remembers values to hide; empty or very short values are ignored. */
  add(...values: (string | undefined)[]): void {
    let changed = false;
    for (const value of values) {
      if (value !== undefined && value.length >= MIN_SECRET_LENGTH && !this.secrets.has(value)) {
        this.secrets.add(value);
        changed = true;
      }
    }
    // Longest first, so a token containing a key id is hidden whole.
    if (changed) this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  /**
   * Remembers the whole value and, when it is a URL with a password (`http://user:pass@proxy`),
   * its user info (`user:pass@`, as written and decoded) and the password alone: tools print
   * URLs in either form, or mask only part of them. A short password is hidden only with its
   * user name, where it cannot occur by chance.
   */
  addValue(value: string | undefined): void {
    if (value === undefined) return;
    this.add(value);
    const credentials = urlCredentials(value);
    if (!credentials) return;
    this.add(credentials.password, credentials.decodedPassword);
    this.addAlways(`${credentials.username}:${credentials.password}@`);
    this.addAlways(`${credentials.decodedUsername}:${credentials.decodedPassword}@`);
  }

  private addAlways(value: string): void {
    if (this.secrets.has(value)) return;
    this.secrets.add(value);
    this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.sorted) {
      if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    }
    return out;
  }

  /** A copy of a JSON-like value (an event) with every string redacted. */
  redactDeep<T>(value: T): T {
    if (this.sorted.length === 0) return value;
    return walk(value, (s) => this.redact(s)) as T;
  }
}

function walk(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = walk(v, redact);
    return out;
  }
  return value;
}

/** The user name and password of a URL with a password, as written and decoded. */
function urlCredentials(
  value: string,
): { username: string; password: string; decodedUsername: string; decodedPassword: string } | undefined {
  if (!value.includes('@') || !value.includes('://')) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.password.length === 0) return undefined;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  return {
    username: url.username,
    password: url.password,
    decodedUsername: decode(url.username),
    decodedPassword: decode(url.password),
  };
}
