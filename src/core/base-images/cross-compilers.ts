import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../zod.js';
import { ARCHITECTURES, type Architecture } from '../runtimes/catalog.js';
import { parseYamlFile } from '../yaml/read-yaml-file.js';
import type { LoadedBaseImage } from './definition.js';

/** The file in a stand-in base's folder naming its cross compilers per target arch. */
export const CROSS_COMPILERS_FILE = 'cross-compilers.yaml';

const toolchain = z.strictObject({
  /** OS packages that bring the compilers, installed in the compile stage. */
  packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/)).min(1),
  /** The GNU triplet the tools are named with (`aarch64-linux-gnu-gcc`) and their sysroot is under. */
  triplet: z.string().regex(/^[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+$/),
});
export type CrossToolchain = z.infer<typeof toolchain>;

const crossCompilersSchema = z.strictObject({
  targets: z.partialRecord(z.enum(ARCHITECTURES), toolchain),
});

/**
 * The toolchain in the base's build image that compiles for `target`, or undefined when the
 * base names none (its folder has no cross-compilers.yaml, or no entry for that arch).
 */
export async function crossToolchain(
  loaded: LoadedBaseImage,
  target: Architecture,
): Promise<CrossToolchain | undefined> {
  const file = join(loaded.dir, CROSS_COMPILERS_FILE);
  if (!existsSync(file)) return undefined;
  const { value } = await parseYamlFile(file, crossCompilersSchema, file, { what: 'cross compiler list' });
  return value.targets[target];
}
