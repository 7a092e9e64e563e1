import * as z from '../zod.js';
import { normalizePythonName } from './python-metadata.js';

/** The part of pip's installation report (`pip install --report`, format version 1) read here. */
const reportSchema = z.object({
  install: z.array(
    z.object({
      download_info: z
        .object({
          url: z.string(),
          archive_info: z
            .object({ hash: z.string().optional(), hashes: z.record(z.string(), z.string()).optional() })
            .optional(),
        })
        .optional(),
      metadata: z.object({ name: z.string(), version: z.string() }),
    }),
  ),
});

/** Where pip took one distribution from. */
export interface PipOrigin {
  url?: string;
  sha256?: string;
}

/** A URL without its user and password: an index URL may carry credentials, a manifest must not. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** pip's report by normalized name; an unreadable report gives an empty map (the wheels still list). */
export function parsePipReport(text: string | undefined): Map<string, PipOrigin> {
  const origins = new Map<string, PipOrigin>();
  if (!text) return origins;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return origins;
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) return origins;
  for (const item of parsed.data.install) {
    const info = item.download_info;
    const archive = info?.archive_info;
    const fromHash = archive?.hash?.startsWith('sha256=') ? archive.hash.slice(7) : undefined;
    const sha256 = archive?.hashes?.sha256 ?? fromHash;
    origins.set(normalizePythonName(item.metadata.name), {
      ...(info ? { url: withoutCredentials(info.url) } : {}),
      ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
    });
  }
  return origins;
}
