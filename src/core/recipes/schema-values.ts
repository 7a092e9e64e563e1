// Recipe values that come from strangers and reach the network, pip or the file system: each is
// checked for what it could do, not only for its shape.
import * as z from '../zod.js';
import { sourceUrlProblem } from './url-checks.js';

/** Any C0 control character or DEL: a line break would start another line of pip input. */
export const hasControlCharacter = (value: string) =>
  [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

/** True when the URL carries a user or password (a token in the user part counts). */
const hasCredentials = (value: string) => {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
};
export const httpUrl = (message: string) =>
  z
    .url({ protocol: /^https?$/, hostname: z.regexes.hostname, error: message })
    .refine((u) => !hasCredentials(u), {
      error: 'a URL must not hold credentials: they would be stored in the recipe and printed',
    });

/** https (http only on loopback), no credentials, never a metadata or link-local address. */
export const sourceUrl = z
  .url({ protocol: /^https?$/, error: 'expected an https URL to download the source from' })
  .superRefine((value, ctx) => {
    // Other schemes already failed the URL check above; one message is enough.
    const problem = /^https?:/i.test(value) ? sourceUrlProblem(value) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** One path segment: what a file or program is called, never a way out of its folder. */
export const plainName = (message: string) =>
  z
    .string({ error: message })
    .min(1, { error: message })
    .refine((n) => !n.includes('/') && !n.includes('\0') && n !== '.' && n !== '..', {
      error: `${message}, without "/" and not "." or ".."`,
    });

/**
 * A pip requirement such as numpy==2.1.3 or pkg[extra]>=1: it starts with a project name, so it
 * can never be read as a pip option (--index-url, -r file) or a local path.
 */
export const requirement = z
  .string({ error: 'expected a pip requirement' })
  .min(1, { error: 'expected a pip requirement' })
  .refine((r) => !r.trimStart().startsWith('-'), {
    error: 'expected a package spec like numpy==2.1.3, not a pip option',
  })
  .refine((r) => r.trimStart().startsWith('-') || /^[A-Za-z0-9]/.test(r), {
    error: 'expected a package spec that starts with the project name, like numpy==2.1.3',
  })
  // Requirements are written one a line into a requirements file: a line break would add a line
  // of pip options, and any option but a hash could point pip elsewhere.
  .refine((r) => !hasControlCharacter(r), {
    error: 'expected one requirement on one line, without control characters',
  })
  .refine((r) => r.split(/\s+/).every((w) => !w.startsWith('-') || /^--hash=sha256:[0-9a-f]{64}$/.test(w)), {
    error: 'expected a package spec; the only option it may carry is --hash=sha256:<64 hex>',
  });

/**
 * An npm package spec such as sharp@0.34.5, @img/sharp-linux-x64@^0.34 or sharp: a registry name,
 * never a path, URL, git remote or option that npm would also accept.
 */
export const npmSpec = z
  .string({ error: 'expected an npm package spec like sharp@0.34.5' })
  .regex(/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(@[A-Za-z0-9.^~<>=| *+-]+)?$/, {
    error: 'expected an npm package spec like sharp@0.34.5: a registry name and an optional version range',
  });
