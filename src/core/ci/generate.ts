import { delimiter, isAbsolute, relative, resolve, sep } from 'node:path';
import { loadConfig, userRecipeDirs } from '../config.js';
import { UserError } from '../errors.js';
import type { JobPlace } from '../job-context.js';
import { bundledRecipesDir } from '../paths.js';
import { REGION_PATTERN } from '../publish/regions.js';
import { listRecipes, resolveRecipe } from '../recipes/catalog.js';
import type { LoadedRecipe } from '../recipes/load.js';
import { parseArchitecture, type Architecture } from '../runtimes/catalog.js';
import { layerforgeVersion } from '../version.js';
import { GITHUB_RUNNERS, githubCells, type GithubCell } from './github-matrix.js';
import { renderGithubWorkflow, type GithubVariables } from './github-workflow.js';

/** What `layerforge ci github` was asked for, before any check. */
export interface GithubWorkflowRequest {
  /** Recipe specs (`pandas`, `hello@1`); none: the project's own recipes (or every one with `all`). */
  recipes: string[];
  all: boolean;
  /** None: every runtime each recipe supports. */
  runtimes: string[];
  /** None: every arch each recipe supports. */
  archs: string[];
  /** `--recipes` folders, relative to the working folder (the repository's root). */
  recipeDirs: string[];
  regions: string[];
  /** Default: the first of `regions`. */
  cacheRegion?: string;
  branch: string;
  variables: GithubVariables;
  /** `arch=label` entries replacing GitHub's hosted runner for that arch. */
  runners: string[];
  layerforgePackage?: string;
  nodeVersion: string;
  environment?: string;
}

export interface GeneratedWorkflow {
  text: string;
  cells: GithubCell[];
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Names go into expressions and YAML unquoted by us: plain characters only, checked here.
const BRANCH = /^[A-Za-z0-9._/-]+$/;
const PLAIN = /^[A-Za-z0-9._-]+$/;
const NODE_VERSION = /^[0-9]+(\.[0-9x]+){0,2}$/;

function check(value: string, pattern: RegExp, what: string, hint: string): string {
  if (!pattern.test(value)) throw new UserError(`${what} "${value}" is not valid`, { hint });
  return value;
}

function checkVariables(variables: GithubVariables): GithubVariables {
  for (const [flag, name] of [
    ['--cache-variable', variables.cacheUrl],
    ['--cache-role-variable', variables.cacheRole],
    ['--role-variable', variables.publishRole],
  ] as const) {
    check(name, VARIABLE, `${flag}`, 'a variable name: letters, digits and _, not starting with a digit');
    if (/^GITHUB_/i.test(name))
      throw new UserError(`${flag} ${name}: GitHub reserves names starting with GITHUB_`, {
        hint: 'choose another name, e.g. LAYERFORGE_PUBLISH_ROLE_ARN',
      });
  }
  return variables;
}

function runnersFrom(entries: string[]): Record<Architecture, string> {
  const runners = { ...GITHUB_RUNNERS };
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0)
      throw new UserError(`--runner "${entry}" is not arch=label`, {
        hint: 'e.g. --runner arm64=my-graviton',
      });
    runners[parseArchitecture(entry.slice(0, at))] = check(
      entry.slice(at + 1),
      PLAIN,
      '--runner label',
      'a runner label: letters, digits, ".", "_" and "-"',
    );
  }
  return runners;
}

/** A folder the workflow can name: inside the repository, as a relative path. */
function inRepository(dir: string, cwd: string): string | undefined {
  const rel = relative(cwd, dir);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

async function chosenRecipes(
  request: GithubWorkflowRequest,
  dirs: string[],
  cwd: string,
): Promise<LoadedRecipe[]> {
  if (request.recipes.length > 0 && request.all) throw new UserError('give recipes or --all, not both');
  if (request.recipes.length > 0) return Promise.all(request.recipes.map((s) => resolveRecipe(s, dirs, cwd)));
  const listing = await listRecipes(dirs, cwd);
  const broken = listing.invalid.find((i) => !i.dir.startsWith(bundledRecipesDir + sep));
  // A workflow that leaves a broken recipe out would hide it; fix it first.
  if (broken) throw broken.error;
  const recipes = request.all
    ? listing.recipes
    : listing.recipes.filter((r) => !r.dir.startsWith(bundledRecipesDir + sep));
  if (recipes.length === 0) {
    throw new UserError('this project has no recipes of its own', {
      hint: 'name recipes (`layerforge ci github pandas hello`), give --all for the bundled ones too, or scaffold one with `layerforge init <name>`',
    });
  }
  return recipes;
}

/**
 * The GitHub Actions workflow for the project's recipes in `place.cwd` (the repository's root):
 * recipes resolved as `build` resolves them, then checked, so the workflow names only recipes a
 * runner will find in the checkout or in layerforge's own bundle.
 */
export async function generateGithubWorkflow(
  request: GithubWorkflowRequest,
  place: JobPlace,
): Promise<GeneratedWorkflow> {
  const { cwd, env } = place;
  if (request.regions.length === 0)
    throw new UserError('where should the workflow publish?', {
      hint: 'give --region, e.g. --region us-east-1,eu-west-1',
    });
  const regionHint = 'regions look like us-east-1 or eu-west-1';
  const regions = [...new Set(request.regions)].map((r) => check(r, REGION_PATTERN, 'region', regionHint));
  const cacheRegion = check(request.cacheRegion ?? regions[0] ?? '', REGION_PATTERN, 'region', regionHint);
  const variables = checkVariables(request.variables);
  const runners = runnersFrom(request.runners);
  const branch = check(request.branch, BRANCH, '--branch', 'a branch name such as main or release/2');
  const nodeVersion = check(
    request.nodeVersion,
    NODE_VERSION,
    '--node-version',
    'a Node.js version such as 22 or 22.11',
  );
  const environment =
    request.environment === undefined
      ? undefined
      : check(
          request.environment,
          PLAIN,
          '--environment',
          'a GitHub environment name: letters, digits, ".", "_" and "-"',
        );
  const layerforgePackage = request.layerforgePackage ?? `layerforge@${layerforgeVersion}`;
  if (!/^\S+$/.test(layerforgePackage))
    throw new UserError(`--layerforge "${layerforgePackage}" is not an npm package spec`, {
      hint: 'e.g. layerforge@0.1.0',
    });

  const config = await loadConfig(cwd);
  const dirs = userRecipeDirs(request.recipeDirs, config, env, cwd);
  const recipes = await chosenRecipes(request, dirs, cwd);
  for (const { recipe, dir } of recipes) {
    if (!dir.startsWith(bundledRecipesDir + sep) && inRepository(dir, cwd) === undefined) {
      throw new UserError(`recipe ${recipe.name} is in ${dir}, outside this repository`, {
        hint: 'a CI runner has only the checkout: move the recipe into the repository, and run this at its root',
      });
    }
  }
  // The config's folders and ./recipes are found on the runner as here; --recipes and
  // $LAYERFORGE_RECIPES are this shell's, so the workflow names those inside the repository.
  const fromEnv = (env.LAYERFORGE_RECIPES ?? '').split(delimiter).filter((d) => d.length > 0);
  const passed = [
    ...new Set([...request.recipeDirs, ...fromEnv].map((d) => inRepository(resolve(cwd, d), cwd))),
  ];
  const recipeDirs = passed.filter((d): d is string => d !== undefined);
  for (const d of recipeDirs)
    if (d.includes(':'))
      throw new UserError(`recipe folder ${d} has a ":" in its name`, {
        hint: 'rename it: the workflow lists folders in LAYERFORGE_RECIPES, separated by ":"',
      });

  const cells = githubCells(recipes, request.runtimes, request.archs.map(parseArchitecture), runners);
  const text = renderGithubWorkflow({
    cells,
    regions,
    cacheRegion,
    layerforgePackage,
    generatedBy: `layerforge ${layerforgeVersion}`,
    nodeVersion,
    branch,
    recipeDirs,
    variables,
    ...(environment !== undefined ? { environment } : {}),
  });
  return { text, cells };
}
