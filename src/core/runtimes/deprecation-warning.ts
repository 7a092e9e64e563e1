import type { DeprecatedRuntimeWarning } from '../events.js';
import { deprecationMessage, newestInFamily, runtimeLifecycle } from './lifecycle.js';

/** The `deprecated-runtime` warning for a runtime past its deprecation date on `now`, if it is. */
export function deprecatedRuntimeWarning(runtimeId: string, now: Date): DeprecatedRuntimeWarning | undefined {
  const lifecycle = runtimeLifecycle(runtimeId, now);
  if (lifecycle.status === 'supported' || lifecycle.deprecation === undefined) return undefined;
  const moveTo = newestInFamily(lifecycle.family, now);
  return {
    type: 'warning',
    code: 'deprecated-runtime',
    message: deprecationMessage(lifecycle, moveTo),
    runtime: runtimeId,
    status: lifecycle.status,
    deprecatedOn: lifecycle.deprecation,
    ...(lifecycle.blockCreate ? { blockCreate: lifecycle.blockCreate } : {}),
    ...(lifecycle.blockUpdate ? { blockUpdate: lifecycle.blockUpdate } : {}),
    ...(moveTo ? { moveTo } : {}),
  };
}
