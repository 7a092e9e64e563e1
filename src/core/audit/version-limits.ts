import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as z from '../zod.js';
import { dataDir } from '../paths.js';

const version = z.string().regex(/^\d+(\.\d+)+$/);
const limitsSchema = z.strictObject({
  operatingSystems: z.record(
    z.string(),
    z.strictObject({
      /** Only for OSes outside the runtime catalog (stand-ins): their display name and glibc. */
      name: z.string().optional(),
      glibc: version.optional(),
      libstdcxx: z.strictObject({ gcc: version, GLIBCXX: version, CXXABI: version }),
    }),
  ),
});
export type OsVersionLimits = z.infer<typeof limitsSchema>['operatingSystems'][string];

let cached: z.infer<typeof limitsSchema> | undefined;

/** data/version-limits.yaml: the libstdc++ limits per OS, and the stand-in OSes' glibc. */
export function versionLimits(): Record<string, OsVersionLimits> {
  cached ??= limitsSchema.parse(parse(readFileSync(join(dataDir, 'version-limits.yaml'), 'utf8')));
  return cached.operatingSystems;
}

/** Compares dotted numeric versions: `2.34` < `2.35`, `3.4.9` < `3.4.29`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
