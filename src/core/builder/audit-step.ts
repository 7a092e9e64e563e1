import { auditLayer } from '../audit/audit-layer.js';
import { systemLibrariesFromList } from '../audit/system-libraries.js';
import { JobFailedError } from '../errors.js';
import type { StepIO } from '../job-context.js';
import type { BuildTarget } from './resolve-target.js';

/**
 * Audits the staged layer against what it will run on: the base's OS (the runtime's Amazon Linux,
 * or the stand-in's own OS) and `libraries`, what the runtime image provides. Errors fail the build.
 */
export async function auditBuiltLayer(
  staging: string,
  target: BuildTarget,
  libraries: string[],
  io: StepIO,
): Promise<{ errors: number; warnings: number }> {
  const result = await auditLayer(
    staging,
    {
      runtime: target.runtime,
      arch: target.arch,
      os: target.base.os,
      systemLibraries: systemLibrariesFromList(`runtime image ${target.base.runtimeImage}`, libraries),
    },
    { sink: io.sink, signal: io.signal },
  );
  const errors = result.findings.filter((f) => f.severity === 'error');
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  if (errors.length > 0) {
    throw new JobFailedError(
      `the audit found ${errors.length} error(s) in the ${target.loaded.recipe.name} layer`,
      {
        details: errors.slice(0, 20).map((f) => `${f.file}: ${f.reason}`),
        hint: errors[0]?.hint ?? 'see `layerforge audit` for details; --no-audit skips the check',
      },
    );
  }
  return { errors: 0, warnings };
}
