import { ExitCode, UserError } from '../core/errors.js';
import {
  deleteLayerVersions,
  planVersionDeletion,
  type VersionDeletionPlan,
} from '../core/publish/delete-versions.js';
import { listRemoteVersions } from '../core/publish/list-versions.js';
import { lockFilePath } from '../core/publish/lock-file.js';
import { formatTable } from '../ui/format.js';
import type { CommandContext } from './command.js';
import { defineCommand } from './command.js';
import { confirmDeletion } from './confirm.js';
import { count, flag } from './options.js';
import { awsClientsFrom, awsOptions } from './shared-options.js';

function printPlan(plan: VersionDeletionPlan, ctx: CommandContext): void {
  const rows = plan.regions.flatMap((r) => [
    ...r.remove.map((v) => [
      r.region,
      String(v.version),
      v.createdAt ?? '-',
      v.current ? 'delete (current in the lock file: --force)' : 'delete',
    ]),
    ...r.keep.map((k) => [
      r.region,
      String(k.version),
      '',
      k.why === 'newest' ? 'keep (newest)' : 'keep (current in layerforge.lock.json)',
    ]),
  ]);
  if (rows.length > 0) ctx.print(formatTable([['REGION', 'VERSION', 'CREATED', 'ACTION'], ...rows]));
}

const deleteVersions = defineCommand({
  name: 'delete <layer-name>',
  summary: 'delete old versions of a layer in AWS, keeping the newest N per region (asks first)',
  help: [
    'Keeps the newest --keep-last versions in each region, and the version layerforge.lock.json',
    'records as current even when older (functions deployed from `layerforge arns` use it), unless',
    '--force. Deleted versions are removed from the lock file. Asks on a terminal; --yes otherwise.',
    '',
    'Example:',
    '  layerforge versions delete pandas-python312-x86_64 --keep-last 3 --region us-east-1,eu-west-1',
  ].join('\n'),
  options: {
    ...awsOptions,
    keepLast: count('--keep-last <n>', 'the newest versions to keep in each region (required)'),
    force: flag('--force', 'also delete the versions layerforge.lock.json records as current'),
    yes: flag('-y, --yes', 'do not ask; needed when there is no terminal'),
    dryRun: flag('--dry-run', 'show what would be deleted, delete nothing'),
  },
  async run([layerName = ''], options, ctx) {
    const { keepLast } = options;
    if (keepLast === undefined) {
      throw new UserError('versions delete needs --keep-last <n>', {
        hint: 'e.g. --keep-last 3 keeps the three newest versions in each region',
      });
    }
    const clients = await awsClientsFrom(options, ctx);
    try {
      const deps = { clients, signal: ctx.signal };
      const plan = await planVersionDeletion(
        {
          layerName,
          regions: options.region,
          keepLast,
          force: options.force,
          lockPath: lockFilePath(ctx.cwd),
        },
        deps,
      );
      const doomed = plan.regions.reduce((n, r) => n + r.remove.length, 0);
      if (!ctx.json) printPlan(plan, ctx);
      if (doomed === 0 || options.dryRun) {
        if (ctx.json) ctx.printJson({ layerName, dryRun: options.dryRun, plan: plan.regions, deleted: [] });
        else
          ctx.print(
            doomed === 0
              ? `nothing to delete: ${layerName} has no version beyond the kept ones`
              : `would delete ${doomed} version(s)`,
          );
        return ExitCode.ok;
      }
      const regions = plan.regions.filter((r) => r.remove.length > 0).map((r) => r.region);
      const question = `delete ${doomed} version(s) of ${layerName} in ${regions.join(', ')}? This cannot be undone`;
      if (!(await confirmDeletion(ctx, question, { yes: options.yes, command: 'versions delete' }))) {
        ctx.stderr.write('not confirmed: nothing was deleted\n');
        return ExitCode.failure;
      }
      const deleted = await deleteLayerVersions(plan, deps);
      if (ctx.json) ctx.printJson({ layerName, dryRun: false, plan: plan.regions, deleted });
      else
        for (const d of deleted)
          ctx.print(`deleted ${d.layerVersionArn || `${layerName}:${d.version}`} (${d.region})`);
      return ExitCode.ok;
    } finally {
      clients.destroy();
    }
  },
});

export const command = defineCommand({
  name: 'versions <layer-name>',
  summary: 'list the versions of a layer that exist in AWS, newest first, per region',
  help: 'Examples:\n  layerforge versions pandas-python312-x86_64 --region us-east-1,eu-west-1 --code-sha256\n  layerforge versions delete pandas-python312-x86_64 --keep-last 3 --region us-east-1',
  options: {
    ...awsOptions,
    limit: count('--limit <n>', 'newest versions per region', 50),
    codeSha256: flag('--code-sha256', "fetch each version's CodeSha256 (one GetLayerVersion call each)"),
  },
  async run([layerName = ''], options, ctx) {
    const { limit, codeSha256: withCodeSha256 } = options;
    const clients = await awsClientsFrom(options, ctx);
    try {
      const rows = await listRemoteVersions(
        { layerName, regions: options.region, limit, withCodeSha256 },
        { clients, signal: ctx.signal },
      );
      if (ctx.json) {
        ctx.printJson({ layerName, versions: rows });
        return ExitCode.ok;
      }
      if (rows.length === 0) {
        ctx.print(`no versions of ${layerName}`);
        return ExitCode.ok;
      }
      const header = [
        'REGION',
        'VERSION',
        'CREATED',
        'RUNTIMES',
        'ARCH',
        ...(withCodeSha256 ? ['CODESHA256'] : []),
      ];
      const body = rows.map((r) => [
        r.region,
        String(r.version),
        r.createdAt ?? '-',
        r.runtimes.join(',') || '-',
        r.architectures.join(',') || '-',
        ...(withCodeSha256 ? [r.codeSha256 ?? '-'] : []),
      ]);
      ctx.print(formatTable([header, ...body]));
    } finally {
      clients.destroy();
    }
    return ExitCode.ok;
  },
  // `versions <layer>` lists; `versions delete <layer>` deletes, like `gh release list|delete`.
  subcommands: [deleteVersions],
});
