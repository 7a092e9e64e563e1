import { createRequire } from 'node:module';
import type SemverCoerce from 'semver/functions/coerce.js';
import type SemverCompare from 'semver/functions/compare.js';
import type SemverPrerelease from 'semver/functions/prerelease.js';
import type SemverRcompare from 'semver/functions/rcompare.js';
import type SemverSatisfies from 'semver/functions/satisfies.js';
import type SemverValid from 'semver/functions/valid.js';
import type SemverValidRange from 'semver/ranges/valid.js';

const load = createRequire(import.meta.url);

/**
 * The semver functions the recipe catalog and its hints call, each required on its first call.
 * Listing the bundled recipes, or resolving a name that has one version, compares no versions:
 * the bundle validated them when it was built. Loading semver's classes and patterns up front
 * cost `list` about 3 ms of its start-up under Node 24 (medians of 50, paired). From the bundle,
 * this is the installed package (a dependency), as zod's fallback is (runtimes/lifecycle-schema.ts).
 */
export const semver = {
  valid: (version: string) => (load('semver/functions/valid.js') as typeof SemverValid)(version),
  validRange: (range: string) => (load('semver/ranges/valid.js') as typeof SemverValidRange)(range),
  compare: (a: string, b: string) => (load('semver/functions/compare.js') as typeof SemverCompare)(a, b),
  rcompare: (a: string, b: string) => (load('semver/functions/rcompare.js') as typeof SemverRcompare)(a, b),
  satisfies: (version: string, range: string) =>
    (load('semver/functions/satisfies.js') as typeof SemverSatisfies)(version, range),
  coerce: (version: string) => (load('semver/functions/coerce.js') as typeof SemverCoerce)(version),
  prerelease: (version: string) =>
    (load('semver/functions/prerelease.js') as typeof SemverPrerelease)(version),
};
