import { ARCHITECTURES, closeRuntimeIds, runtimeIds } from '../runtimes/catalog.js';
import { semver } from './semver-on-demand.js';
import { sourceUrlHint } from './url-checks.js';
import type { IssueContext } from '../yaml/zod-issues.js';
import { RECIPE_NAME } from './names.js';

/** Names other tools give Lambda's two architectures. */
const ARCH_ALIASES: Record<string, (typeof ARCHITECTURES)[number]> = {
  amd64: 'x86_64',
  x64: 'x86_64',
  'x86-64': 'x86_64',
  x86: 'x86_64',
  intel: 'x86_64',
  aarch64: 'arm64',
  arm: 'arm64',
  armv8: 'arm64',
  graviton: 'arm64',
};

/** Suggests Lambda's name for an architecture spelt the Docker, Debian or uname way. */
export function suggestArchitecture(value: string): string {
  const alias = ARCH_ALIASES[value.toLowerCase().replace(/_/g, '-')] ?? ARCH_ALIASES[value.toLowerCase()];
  if (alias) return `Lambda calls it ${alias}: write [${alias}]`;
  return `Lambda supports ${ARCHITECTURES.join(' and ')}`;
}

/** A name that would pass, built from one that does not: `My_Lib` → `my-lib`. */
function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** Lists whose items are mappings: the generic "write a list" hint would mislead. */
const LISTS_OF_MAPPINGS: Record<string, string> = {
  tests: '{ run: "mytool --version" }',
  sources: '{ url: https://..., sha256: ... }',
  data: '{ from: /usr/share/proj, to: share/proj }',
};

/** Paths in a layer (export.data[].to, prune globs) are relative to /opt; recipe files to its folder. */
function pathHint(path: readonly PropertyKey[], value: string): string | undefined {
  const inLayer = path[0] === 'prune' || path[path.length - 1] === 'to';
  if (value.startsWith('/')) {
    return inLayer
      ? `the layer is extracted to /opt: write ${value.replace(/^\/(opt\/?)?/, '') || '.'}`
      : 'the recipe folder is mounted read-only at /recipe: name files relative to it, e.g. build.sh';
  }
  if (value.split('/').includes('..')) {
    return inLayer
      ? 'a path in the layer cannot climb out of /opt'
      : 'a recipe may only use files inside its own folder';
  }
  return undefined;
}

/** Hints a user can act on for problems specific to recipe.yaml. */
export function recipeHint({ issue, path, value, found }: IssueContext): string | undefined {
  if (!found) return undefined;
  const key = path[path.length - 1];
  const parent = path[path.length - 2];
  const str = typeof value === 'string' ? value : undefined;

  if (parent === 'runtimes' && issue.code === 'invalid_value' && str !== undefined) {
    const near = closeRuntimeIds(str);
    return near.length > 0
      ? `did you mean ${near.join(', ')}?`
      : `Lambda runtime ids: ${runtimeIds().join(', ')}`;
  }
  if (parent === 'architectures' && issue.code === 'invalid_value' && str !== undefined) {
    return suggestArchitecture(str);
  }
  if (path.length === 1 && key === 'name' && str !== undefined && !RECIPE_NAME.test(str)) {
    const suggestion = slug(str);
    return suggestion && RECIPE_NAME.test(suggestion) ? `try "${suggestion}"` : undefined;
  }
  if (path.length === 1 && key === 'version') {
    if (typeof value === 'number')
      return `YAML read it as a number: write three parts, e.g. version: ${semver.coerce(String(value)) ?? '1.0.0'}`;
    if (str === undefined) return undefined;
    // semver caps each part at Number.MAX_SAFE_INTEGER, and coerce() would then offer 0.0.0.
    const parts = str.match(/\d+/g) ?? [];
    if (parts.some((p) => Number(p) > Number.MAX_SAFE_INTEGER)) {
      return `each part of a version is at most ${Number.MAX_SAFE_INTEGER}: use the version of what the recipe installs, e.g. 1.0.0`;
    }
    const coerced = semver.coerce(str);
    // Offer only a version made of the numbers written, in order: never one that drops a part.
    if (
      coerced &&
      str.replace(/^\D+/, '').startsWith(coerced.version.split('.').slice(0, parts.length).join('.'))
    )
      return `did you mean ${coerced.version}?`;
    return undefined;
  }
  if (parent === 'osVersions' && typeof value === 'number') {
    // YAML reads 1.5 as a number and drops what made 1.10 differ from 1.1: the quotes keep it.
    return `YAML read it as a number: quote it, e.g. ${String(key)}: '${String(value)}'`;
  }
  if (key === 'sha256' && typeof value === 'number') {
    return "YAML read these digits as a number: quote it, e.g. sha256: '0123...'";
  }
  if (key === 'sha256' && str !== undefined) {
    if (/^[0-9A-Fa-f]{64}$/.test(str)) return 'write it in lowercase, as sha256sum prints it';
    return `it has ${str.length} characters; run \`sha256sum <file>\` and copy the first field`;
  }
  if (issue.code === 'custom' && str !== undefined && (key === 'url' || key === 'homepage')) {
    return sourceUrlHint(str);
  }
  if (issue.code === 'custom' && path[0] === 'export' && (parent === 'binaries' || parent === 'libraries')) {
    return parent === 'binaries'
      ? 'give the name of a program on the build PATH, e.g. jq; it is copied to /opt/bin'
      : 'give a soname, e.g. libpq.so.5; it is copied to /opt/lib';
  }
  if (issue.code === 'custom' && parent === 'requirements' && str?.trimStart().startsWith('-')) {
    return 'a recipe lists packages only: pip options such as a private index never come from a recipe';
  }
  if (issue.code === 'custom' && key === 'filename') {
    return 'name the file as it should appear in $SOURCES, e.g. lib-1.0.tar.gz';
  }
  if (issue.code === 'custom' && str !== undefined) {
    const hint = pathHint(path, str);
    if (hint) return hint;
  }
  if (
    issue.code === 'invalid_type' &&
    typeof key === 'string' &&
    LISTS_OF_MAPPINGS[key] &&
    !Array.isArray(value)
  ) {
    return `write a list of mappings, e.g. ${key}: [${LISTS_OF_MAPPINGS[key]}]`;
  }
  if (key === 'unzippedMB' && typeof value === 'number' && value > 250) {
    return 'split the layer, or lower the budget: no function can use more than 250 MB of layers';
  }
  if (key === 'unzippedMB' && str !== undefined && /^\s*\d+(\.\d+)?\s*mb\s*$/i.test(str)) {
    return `write the number alone: unzippedMB: ${parseFloat(str)}`;
  }
  if (key === 'from' && str !== undefined && !str.startsWith('/')) {
    return `write the full path in the build container, e.g. /${str.replace(/^\.?\/*/, '')}`;
  }
  if (key === 'url' && str !== undefined && !/^https?:\/\//.test(str)) {
    return 'give the full URL, starting with https://';
  }
  if (key === 'homepage' && str !== undefined && !/^https?:\/\//.test(str)) {
    return `give the full URL, e.g. https://${str.replace(/^[a-z]+:\/*/, '')}`;
  }
  return undefined;
}
