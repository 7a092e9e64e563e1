import { basename, relative, resolve } from 'node:path';
import semverValid from 'semver/functions/valid.js';
import { UserError } from '../errors.js';
import { readUntrustedTextFile } from '../fs/read-untrusted-file.js';
import type { RecipeInput } from '../recipes/schema.js';
import { getRuntime } from '../runtimes/catalog.js';
import { detectProjectFile, type ProjectFile } from './detect.js';
import { parsePipfileLock, parsePoetryLock, parsePyproject, parseUvLock } from './python-locks.js';
import { recipeNameFrom } from './recipe-name.js';
import {
  isPinned,
  parseRequirementsFile,
  requirementLine,
  type PythonRequirement,
} from './requirements-file.js';

/** What the user gave instead of a recipe. */
export interface DependencyInputs {
  /** `-r requirements.txt`, repeatable. */
  requirementFiles?: string[];
  /** `--pip 'pillow>=11'`, repeatable. */
  pip?: string[];
  /** `--npm sharp@0.34.5`, repeatable. */
  npm?: string[];
  /** A project folder whose dependency files are detected. */
  project?: string;
  /** `--name`; else the folder's or project's name. */
  name?: string;
  /** `--runtime`; required when it cannot be inferred. */
  runtimes?: string[];
  /** `--skip-import`: top-level modules or npm packages the derived import tests leave out. */
  skipImports?: string[];
}

/** A recipe made from dependency files: its recipe.yaml fields and the files beside it. */
export interface SynthesizedRecipe {
  recipe: RecipeInput;
  /** Files of the recipe folder besides recipe.yaml, by relative path. */
  files: Record<string, string>;
  /** Which inputs it came from, for an event: "uv.lock in ./svc (12 packages, hash-pinned)". */
  from: string;
  /**
   * True when every version is decided by the inputs (a lock, or == pins): the same inputs give
   * the same layer. False when pip resolves ranges, so a cached build can go stale.
   */
  pinned: boolean;
}

interface Collected {
  python: PythonRequirement[];
  npm: string[];
  nodeProject?: { packageJson: string; lock?: string };
  name?: string;
  version?: string;
  requiresPython?: string;
  sources: string[];
}

const read = (file: string, cwd: string) =>
  readUntrustedTextFile(file, {
    displayName: relative(cwd, file) || file,
    what: 'dependency file',
    maxBytes: 16 * 1024 * 1024,
  });

async function fromProject(dir: string, cwd: string, into: Collected): Promise<void> {
  const found: ProjectFile | undefined = detectProjectFile(dir);
  const shown = relative(cwd, dir) || '.';
  if (!found)
    throw new UserError(`${shown} holds no dependency file layerforge reads`, {
      hint: 'it looks for uv.lock, poetry.lock, Pipfile.lock, pyproject.toml, requirements.txt, package-lock.json or package.json',
    });
  into.sources.push(`${found} in ${shown}`);
  const file = resolve(dir, found);
  const pyproject = resolve(dir, 'pyproject.toml');
  const readPyproject = async () => {
    const text = await read(pyproject, cwd).catch(() => undefined);
    return text === undefined ? undefined : parsePyproject(text, relative(cwd, pyproject));
  };
  if (found === 'uv.lock' || found === 'poetry.lock' || found === 'Pipfile.lock') {
    const text = await read(file, cwd);
    const name = relative(cwd, file);
    into.python.push(
      ...(found === 'uv.lock'
        ? parseUvLock(text, name)
        : found === 'poetry.lock'
          ? parsePoetryLock(text, name)
          : parsePipfileLock(text, name)),
    );
    const project = found === 'Pipfile.lock' ? undefined : await readPyproject().catch(() => undefined);
    Object.assign(into, { name: project?.name, version: project?.version });
    if (found === 'uv.lock') into.requiresPython = /^requires-python\s*=\s*"([^"]*)"/m.exec(text)?.[1];
  } else if (found === 'pyproject.toml') {
    const project = await readPyproject();
    into.python.push(...(project?.requirements ?? []));
    Object.assign(into, { name: project?.name, version: project?.version });
  } else if (found === 'requirements.txt') {
    into.python.push(...parseRequirementsFile(await read(file, cwd), relative(cwd, file)));
  } else {
    const packageJson = await read(resolve(dir, 'package.json'), cwd).catch(() => {
      throw new UserError(`${shown} has package-lock.json but no package.json`, {
        hint: 'npm ci needs both',
      });
    });
    let parsed: { name?: unknown; version?: unknown };
    try {
      parsed = JSON.parse(packageJson) as typeof parsed;
    } catch (error) {
      throw new UserError(`${shown}/package.json is not valid JSON: ${(error as Error).message}`);
    }
    const lock = found === 'package-lock.json' ? await read(file, cwd) : undefined;
    into.nodeProject = { packageJson, ...(lock === undefined ? {} : { lock }) };
    Object.assign(into, {
      name: typeof parsed.name === 'string' ? parsed.name.replace(/^@[^/]*\//, '') : undefined,
      version: typeof parsed.version === 'string' ? parsed.version : undefined,
    });
  }
}

/** python3.X from a requires-python that allows one minor version only ("==3.11.*", ">=3.11,<3.12"). */
export function runtimeFromRequiresPython(spec: string | undefined): string | undefined {
  if (!spec) return undefined;
  const exact = /^\s*==\s*3\.(\d+)(\.\*)?\s*$/.exec(spec);
  if (exact) return `python3.${exact[1]}`;
  const range = /^\s*>=\s*3\.(\d+)\s*,\s*<\s*3\.(\d+)\s*$/.exec(spec);
  if (range && Number(range[2]) === Number(range[1]) + 1) return `python3.${range[1]}`;
  return undefined;
}

/**
 * Reads the inputs and makes the recipe a build needs: `install.python` (hash-pinned from a lock,
 * sdists allowed where the build image's Python is the target's), or `install.node` (`packages`
 * for --npm, `project` for a package.json folder), with `checkImports` so `--test` imports what
 * was installed. Bad input is a UserError (exit 2); nothing is written.
 */
export async function synthesizeRecipe(inputs: DependencyInputs, cwd: string): Promise<SynthesizedRecipe> {
  const c: Collected = { python: [], npm: [...(inputs.npm ?? [])], sources: [] };
  if (inputs.project !== undefined) await fromProject(resolve(cwd, inputs.project), cwd, c);
  for (const file of inputs.requirementFiles ?? []) {
    const path = resolve(cwd, file);
    c.python.push(...parseRequirementsFile(await read(path, cwd), relative(cwd, path) || file));
    c.sources.push(relative(cwd, path) || file);
  }
  if ((inputs.pip ?? []).length > 0) {
    c.python.push(...parseRequirementsFile((inputs.pip ?? []).join('\n'), '--pip'));
    c.sources.push('--pip');
  }
  if (c.npm.length > 0) c.sources.push('--npm');
  const node = c.npm.length > 0 || c.nodeProject !== undefined;
  if (node && c.python.length > 0)
    throw new UserError('Python and npm dependencies in one layer are not supported', {
      hint: 'build one layer for each: a layer serves one runtime family',
    });
  if (!node && c.python.length === 0)
    throw new UserError(`no dependencies found in ${c.sources.join(', ') || 'the inputs'}`, {
      hint: 'list at least one package',
    });
  if (c.nodeProject && c.npm.length > 0)
    throw new UserError('give a package.json folder or --npm packages, not both');

  const hashed = c.python.filter((r) => r.hashes.length > 0).length;
  if (hashed > 0 && hashed < c.python.length) {
    const bare = c.python.find((r) => r.hashes.length === 0);
    throw new UserError(`some requirements carry --hash and ${bare?.spec ?? 'others'} does not`, {
      hint: 'pip checks hashes for every requirement or none: add its hashes (e.g. with `uv pip compile --generate-hashes`) or drop them all',
    });
  }
  const runtimes =
    inputs.runtimes && inputs.runtimes.length > 0
      ? inputs.runtimes
      : [runtimeFromRequiresPython(c.requiresPython)].filter((r): r is string => r !== undefined);
  if (runtimes.length === 0)
    throw new UserError('which runtime is the layer for?', {
      hint: node ? 'give --runtime, e.g. --runtime nodejs22.x' : 'give --runtime, e.g. --runtime python3.11',
    });
  const family = node ? 'nodejs' : 'python';
  for (const id of runtimes)
    if (getRuntime(id).family !== family)
      throw new UserError(`${id} is not a ${family} runtime, and these dependencies need one`, {
        hint: `give a ${family} runtime with --runtime`,
      });

  const rawName =
    inputs.name ??
    c.name ??
    (inputs.project !== undefined ? basename(resolve(cwd, inputs.project)) : undefined);
  const name =
    rawName === undefined ? (node ? 'node-dependencies' : 'python-dependencies') : recipeNameFrom(rawName);
  if (inputs.name !== undefined && name !== inputs.name)
    throw new UserError(`--name ${inputs.name} is not a valid recipe name`, {
      hint: 'use lowercase letters, digits and dashes (at most 63), e.g. my-deps',
    });
  const version = c.version !== undefined && semverValid(c.version) === c.version ? c.version : '0.0.0';
  const files: Record<string, string> = {};
  let install: RecipeInput['install'];
  if (c.nodeProject) {
    files['project/package.json'] = c.nodeProject.packageJson;
    if (c.nodeProject.lock !== undefined) files['project/package-lock.json'] = c.nodeProject.lock;
    install = { node: { project: 'project' } };
  } else if (node) {
    install = { node: { packages: c.npm } };
  } else {
    // binaryOnly false: a package without a wheel for the target is built from its sdist, but
    // only where the build image's Python is the target's (plan.ts refuses it otherwise).
    install = { python: { requirements: c.python.map(requirementLine), binaryOnly: false } };
  }
  const pinned = node
    ? c.nodeProject?.lock !== undefined || c.npm.every((s) => /@\d+\.\d+\.\d+$/.test(s))
    : // Hashes cover the whole closure (pip refuses an unhashed dependency); == pins alone leave
      // the dependencies' versions to pip.
      hashed > 0 && c.python.every((r) => isPinned(r.spec));
  const recipe: RecipeInput = {
    name,
    version,
    summary: `dependencies from ${c.sources.join(', ')}`.slice(0, 200),
    // Unknown for a layer of many projects: the manifest's package list says each one's.
    license: 'NOASSERTION',
    homepage: `https://example.com/${name}`,
    runtimes,
    architectures: ['x86_64', 'arm64'],
    install,
    checkImports: { skip: inputs.skipImports ?? [] },
  };
  const count = node
    ? c.nodeProject
      ? 'package.json'
      : `${c.npm.length} package(s)`
    : `${c.python.length} requirement(s)`;
  const how = hashed > 0 ? ', hash-pinned' : pinned ? ', pinned' : '';
  return { recipe, files, from: `${c.sources.join(', ')} (${count}${how})`, pinned };
}
