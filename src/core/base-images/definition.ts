import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { bundledBaseImagesDir } from '../paths.js';
import { settledInOrder } from '../run-together.js';
import { parseYamlFile } from '../yaml/read-yaml-file.js';
import type { BaseImageDefinition } from './definition-schema.js';

export type { BaseImageDefinition, DebootstrapBase } from './definition-schema.js';

export interface LoadedBaseImage {
  definition: BaseImageDefinition;
  dir: string;
}

const baseImageSchemaOnDemand = async () => (await import('./definition-schema.js')).baseImageSchema;

/** The default base: AWS's official images. */
export const DEFAULT_BASE = 'lambda';

export async function listBaseImages(root = bundledBaseImagesDir): Promise<LoadedBaseImage[]> {
  const entries = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  // Read side by side, as recipe folders are (recipes/catalog.ts): every build reads them all.
  const bases = await settledInOrder(
    entries.map(async (name): Promise<LoadedBaseImage | undefined> => {
      const file = join(root, name, 'base.yaml');
      if (!existsSync(file)) return undefined;
      const { value } = await parseYamlFile(file, baseImageSchemaOnDemand, file, {
        what: 'base image definition',
        precompiled: 'base',
      });
      return { definition: value, dir: join(root, name) };
    }),
  );
  return bases.filter((base) => base !== undefined);
}

export async function loadBaseImage(name: string, root = bundledBaseImagesDir): Promise<LoadedBaseImage> {
  const bases = await listBaseImages(root);
  const found = bases.find((b) => b.definition.name === name);
  if (!found) {
    throw new UserError(`unknown base image "${name}"`, {
      hint: `available: ${bases.map((b) => b.definition.name).join(', ')} (see \`layerforge base list\`)`,
    });
  }
  return found;
}
