import { getRuntime, lifecycleData, runtimeIds, type RuntimeFamily } from './catalog.js';

/**
 * Where a runtime stands in Lambda's deprecation, in AWS's order: `deprecated` (no more patches,
 * functions can still be created), `create-blocked` (no new functions), `update-blocked` (no
 * updates to existing functions either).
 */
export const RUNTIME_STATUSES = ['supported', 'deprecated', 'create-blocked', 'update-blocked'] as const;
export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

/** One runtime's lifecycle: its dates, its status on a given day and what to move to. */
export interface RuntimeLifecycle {
  runtime: string;
  family: RuntimeFamily;
  status: RuntimeStatus;
  deprecation: string | undefined;
  blockCreate: string | undefined;
  blockUpdate: string | undefined;
  /** URLs the dates were read from. */
  sources: string[];
}

interface PhaseDates {
  deprecation?: string | undefined;
  blockCreate?: string | undefined;
  blockUpdate?: string | undefined;
}

/** The UTC day of `now` (`YYYY-MM-DD`): AWS gives its dates as UTC days. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The status on `now`'s day: a phase applies from the first moment of its date (UTC). */
export function statusOn(dates: PhaseDates, now: Date): RuntimeStatus {
  const today = utcDay(now);
  // ISO days compare as strings.
  const reached = (day: string | undefined): boolean => day !== undefined && day <= today;
  if (reached(dates.blockUpdate)) return 'update-blocked';
  if (reached(dates.blockCreate)) return 'create-blocked';
  if (reached(dates.deprecation)) return 'deprecated';
  return 'supported';
}

export function isBlocked(status: RuntimeStatus): boolean {
  return status === 'create-blocked' || status === 'update-blocked';
}

/** A runtime's lifecycle on `now` (default: today). Throws a UserError for an unknown id. */
export function runtimeLifecycle(id: string, now: Date = new Date()): RuntimeLifecycle {
  const runtime = getRuntime(id);
  const data = lifecycleData();
  // catalog() guarantees an entry per runtime.
  const dates = data.runtimes[id] ?? { source: [] };
  return {
    runtime: id,
    family: runtime.family,
    status: statusOn(dates, now),
    deprecation: dates.deprecation,
    blockCreate: dates.blockCreate,
    blockUpdate: dates.blockUpdate,
    sources: dates.source.map((key) => data.sources[key] ?? key),
  };
}

/**
 * The runtime of the same family to move to: the supported one that AWS keeps longest (no
 * announced deprecation counts as longest), the highest language version on a tie.
 */
export function newestInFamily(family: RuntimeFamily, now: Date = new Date()): string | undefined {
  const candidates = runtimeIds()
    .map((id) => runtimeLifecycle(id, now))
    .filter((r) => r.family === family && r.status === 'supported');
  candidates.sort(
    (a, b) =>
      (b.deprecation ?? '9999-12-31').localeCompare(a.deprecation ?? '9999-12-31') ||
      getRuntime(b.runtime).version.localeCompare(getRuntime(a.runtime).version, 'en', { numeric: true }),
  );
  return candidates[0]?.runtime;
}

/** One line for a runtime past its deprecation date: since when, what AWS blocks, what to move to. */
export function deprecationMessage(lifecycle: RuntimeLifecycle, moveTo: string | undefined): string {
  const { runtime, status } = lifecycle;
  const phase =
    status === 'update-blocked'
      ? `Lambda blocks creating and updating functions on it since ${lifecycle.blockUpdate ?? '?'}`
      : status === 'create-blocked'
        ? `Lambda blocks creating functions on it since ${lifecycle.blockCreate ?? '?'}`
        : lifecycle.blockCreate
          ? `Lambda blocks creating functions on it from ${lifecycle.blockCreate}`
          : 'Lambda no longer patches it';
  const next = moveTo ? `; move to ${moveTo}` : '';
  return `${runtime} is deprecated since ${lifecycle.deprecation ?? '?'}: ${phase}${next}`;
}
