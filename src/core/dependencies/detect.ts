import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The dependency files a project folder is read from, in order: lock files first. */
export const PROJECT_FILES = [
  'uv.lock',
  'poetry.lock',
  'Pipfile.lock',
  'pyproject.toml',
  'requirements.txt',
  'package-lock.json',
  'package.json',
] as const;
export type ProjectFile = (typeof PROJECT_FILES)[number];

/** The first dependency file present in `dir`, or undefined. */
export function detectProjectFile(dir: string): ProjectFile | undefined {
  return PROJECT_FILES.find((name) => statSync(join(dir, name), { throwIfNoEntry: false })?.isFile());
}

/** Whether `path` is a folder (a project) rather than a recipe name. */
export function isProjectFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
