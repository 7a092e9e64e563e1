import { existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { LayerforgeConfig } from './config-schema.js';
import { UserError } from './errors.js';
import { InvalidFileError } from './yaml/invalid-file-error.js';
import { parseYamlFile } from './yaml/read-yaml-file.js';
import type { FieldIssue } from './yaml/issue.js';

export const CONFIG_FILE = 'layerforge.config.yaml';

export type { LayerforgeConfig } from './config-schema.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads layerforge.config.yaml from `cwd` if there is one. `recipeDirs` come back absolute,
 * resolved against the config file's folder. A malformed file, or a recipe folder it names that
 * does not exist, is an InvalidFileError positioned at `file:line:col` (exit 2).
 */
export async function loadConfig(
  cwd: string,
): Promise<LayerforgeConfig & { recipeDirs: string[]; file?: string }> {
  const file = join(cwd, CONFIG_FILE);
  if (!existsSync(file)) return { recipeDirs: [] };
  const schema = async () => (await import('./config-schema.js')).configSchema;
  const { value, positionIssues } = await parseYamlFile(file, schema, CONFIG_FILE, {
    schemaFile: 'schema/config.schema.json',
    what: 'config file',
    emptyHint: 'remove the file, or set e.g. `recipeDirs: [recipes]`',
  });
  const recipeDirs = value.recipeDirs.map((d) => resolve(cwd, d));
  const missing: FieldIssue[] = recipeDirs.flatMap((dir, i) =>
    isDirectory(dir)
      ? []
      : [
          {
            path: ['recipeDirs', i],
            message: `recipe folder "${value.recipeDirs[i] ?? dir}" does not exist`,
            hint: `paths are relative to the config file's folder; this one resolves to ${dir}`,
          },
        ],
  );
  if (missing.length > 0)
    throw new InvalidFileError(await positionIssues(missing), 'schema/config.schema.json');
  return { ...value, recipeDirs, file };
}

/** The project's recipe folder, where `layerforge init` writes: searched when it exists. */
export const PROJECT_RECIPES_DIR = 'recipes';

/** The config's `buildEnv` as `KEY[=VALUE]` entries, in the file's order. */
export function configBuildEnv(config: LayerforgeConfig): string[] {
  const buildEnv = config.buildEnv;
  if (buildEnv === undefined) return [];
  if (Array.isArray(buildEnv)) return buildEnv;
  return Object.entries(buildEnv).map(([name, value]) =>
    value === null ? name : `${name}=${String(value)}`,
  );
}

/**
 * User recipe folders in search order (first match wins between equal versions): `--recipes`
 * flags, then $LAYERFORGE_RECIPES (path-delimiter separated), then the config file's
 * `recipeDirs`, then ./recipes when it exists, so a recipe `layerforge init` scaffolded is
 * found without being named. Flag and environment paths are relative to `cwd`.
 */
export function userRecipeDirs(
  flagDirs: string[],
  config: { recipeDirs: string[] },
  env: NodeJS.ProcessEnv,
  cwd: string,
): string[] {
  const check = (from: string) => (dir: string) => {
    const absolute = resolve(cwd, dir);
    if (!isDirectory(absolute)) {
      throw new UserError(`recipe folder ${dir} (from ${from}) does not exist`, {
        hint: `check the path; relative paths start at ${cwd}`,
      });
    }
    return absolute;
  };
  const fromEnv = (env.LAYERFORGE_RECIPES ?? '').split(delimiter).filter((d) => d.length > 0);
  const project = resolve(cwd, PROJECT_RECIPES_DIR);
  return [
    ...flagDirs.map(check('--recipes')),
    ...fromEnv.map(check('$LAYERFORGE_RECIPES')),
    ...config.recipeDirs,
    ...(isDirectory(project) ? [project] : []),
  ];
}
