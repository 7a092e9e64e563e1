import { UserError } from '../errors.js';
import type { EventSink } from '../events.js';
import { resolveRecipe } from '../recipes/catalog.js';
import { runtimeIds } from '../runtimes/catalog.js';
import { deprecatedRuntimeWarning } from '../runtimes/deprecation-warning.js';
import { isBlocked, newestInFamily, runtimeLifecycle } from '../runtimes/lifecycle.js';
import type { PublishOptions } from './types.js';

/**
 * The runtimes a recipe target will be built for, known before the build: `--runtime`, or the
 * recipe's first runtime, as the build itself picks it.
 */
export async function plannedRuntimes(options: PublishOptions): Promise<string[]> {
  const runtime = options.build?.runtime;
  if (runtime !== undefined) return [runtime];
  const { recipe } = await resolveRecipe(options.target, options.build?.recipeDirs ?? [], options.cwd, {
    allowLocalSources: options.build?.allowLocalSources,
  });
  return recipe.runtimes.slice(0, 1);
}

/**
 * Refuses (exit 2) a layer whose compatible runtimes include one Lambda no longer creates
 * functions on, naming each: a layer nobody can attach to a new function is almost always a
 * mistake. `allowDeprecated` turns the refusal into warnings, for layers that serve functions
 * already on that runtime. With `warn`, runtimes that are deprecated but not blocked get a
 * warning too (a recipe target leaves that to its build, which warns already).
 */
export function checkCompatibleRuntimes(
  runtimes: string[],
  options: { allowDeprecated: boolean; now: Date; sink: EventSink; warn: boolean },
): void {
  // A manifest may name a runtime this catalog does not know (a newer layerforge wrote it).
  const known = new Set(runtimeIds());
  const lifecycles = runtimes.filter((id) => known.has(id)).map((id) => runtimeLifecycle(id, options.now));
  const blocked = lifecycles.filter((l) => isBlocked(l.status));
  if (blocked.length > 0 && !options.allowDeprecated) {
    const moveTo = [
      ...new Set(blocked.map((l) => newestInFamily(l.family, options.now)).filter((id) => id !== undefined)),
    ];
    throw new UserError(
      `Lambda blocks creating functions on ${blocked.map((l) => `${l.runtime} (since ${l.blockCreate ?? l.blockUpdate ?? '?'})`).join(', ')}: refusing to publish a layer for ${blocked.length === 1 ? 'it' : 'them'}`,
      {
        details: blocked.map((l) => `${l.runtime}: ${l.status}, deprecated since ${l.deprecation ?? '?'}`),
        hint: `build for a supported runtime${moveTo.length > 0 ? ` (${moveTo.join(', ')})` : ''}, or pass --allow-deprecated to publish for functions already on it`,
      },
    );
  }
  for (const lifecycle of lifecycles) {
    if (!options.warn && !isBlocked(lifecycle.status)) continue;
    const warning = deprecatedRuntimeWarning(lifecycle.runtime, options.now);
    if (warning) options.sink(warning);
  }
}
