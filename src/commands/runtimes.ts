import { ExitCode } from '../core/errors.js';
import { getRuntime, lifecycleData, runtimeIds } from '../core/runtimes/catalog.js';
import { newestInFamily, runtimeLifecycle, utcDay } from '../core/runtimes/lifecycle.js';
import { formatTable } from '../ui/format.js';
import { defineCommand } from './command.js';

export const command = defineCommand({
  name: 'runtimes',
  summary: 'list the Lambda runtimes: family, OS and glibc, status, deprecation and block dates',
  help: [
    'Every runtime id layerforge knows, from data/runtimes.yaml, with its status today:',
    '  supported       AWS patches it',
    '  deprecated      past its deprecation date: no more patches; builds warn',
    '  create-blocked  Lambda no longer creates functions on it; publish refuses without --allow-deprecated',
    '  update-blocked  Lambda no longer updates functions on it either',
    'Dates are UTC days from AWS\'s "Lambda runtimes" page; "-" where AWS has announced none.',
  ].join('\n'),
  async run(_args, _options, ctx) {
    const now = new Date();
    const rows = runtimeIds().map((id) => {
      const runtime = getRuntime(id);
      const lifecycle = runtimeLifecycle(id, now);
      return {
        id,
        family: runtime.family,
        version: runtime.version,
        os: runtime.os,
        status: lifecycle.status,
        deprecation: lifecycle.deprecation ?? null,
        blockCreate: lifecycle.blockCreate ?? null,
        blockUpdate: lifecycle.blockUpdate ?? null,
        moveTo: lifecycle.status === 'supported' ? null : (newestInFamily(runtime.family, now) ?? null),
        sources: lifecycle.sources,
      };
    });
    if (ctx.json) {
      ctx.printJson({ today: utcDay(now), checked: lifecycleData().checked, runtimes: rows });
      return ExitCode.ok;
    }
    ctx.print(
      formatTable([
        ['RUNTIME', 'FAMILY', 'OS', 'GLIBC', 'STATUS', 'DEPRECATION', 'BLOCK CREATE', 'BLOCK UPDATE'],
        ...rows.map((r) => [
          r.id,
          r.family,
          r.os.name,
          r.os.glibc,
          r.status,
          r.deprecation ?? '-',
          r.blockCreate ?? '-',
          r.blockUpdate ?? '-',
        ]),
      ]),
    );
    return ExitCode.ok;
  },
});
