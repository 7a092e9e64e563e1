import { parseAge } from '../core/cache/age.js';
import {
  listCacheContents,
  planCacheClean,
  planCachePrune,
  removeCachePlan,
  type CacheRemovalPlan,
} from '../core/cache/manage.js';
import type { CacheItem } from '../core/cache/types.js';
import { ExitCode } from '../core/errors.js';
import { formatCacheContents, formatCachePlan, formatCacheResult, removalSummary } from '../ui/cache-view.js';
import type { CommandContext } from './command.js';
import { defineCommand } from './command.js';
import { confirmDeletion } from './confirm.js';
import { count, flag, negated, text } from './options.js';

const dockerHost = text(
  '--docker-host <url>',
  'Docker engine endpoint (default: DOCKER_HOST or the local socket)',
);

/** Items as --json prints them: without the bookkeeping the removal uses. */
function jsonItems(items: readonly CacheItem[]) {
  return items.map(({ listedMtimeMs: _mtime, ...item }) => item);
}

function jsonPlan(plan: CacheRemovalPlan) {
  return {
    root: plan.root,
    bytes: plan.bytes,
    items: jsonItems(plan.items),
    images: plan.images,
    inUse: jsonItems(plan.inUse),
  };
}

const sharedRemovalOptions = {
  images: flag(
    '--images',
    'also remove the images layerforge built in the engine (base, root file system, invoke images)',
  ),
  base: text('--base <name>', 'only what belongs to this base image pair (e.g. debian12)'),
  dryRun: flag('--dry-run', 'show what would be removed, remove nothing'),
  dockerHost,
};

/** Shows the plan, then carries it out (unless --dry-run). */
async function carryOut(plan: CacheRemovalPlan, dryRun: boolean, ctx: CommandContext): Promise<ExitCode> {
  if (dryRun || plan.items.length + plan.images.length === 0) {
    if (ctx.json) ctx.printJson({ dryRun, plan: jsonPlan(plan) });
    else {
      const shown = formatCachePlan(plan);
      if (shown) ctx.print(shown);
      ctx.print(
        plan.items.length + plan.images.length === 0
          ? 'nothing to remove'
          : `would remove ${removalSummary(plan.items.length, plan.bytes, plan.images.length)}`,
      );
    }
    return ExitCode.ok;
  }
  const result = await removeCachePlan(plan, ctx.job);
  if (ctx.json) ctx.printJson({ dryRun, plan: jsonPlan(plan), removed: result });
  else ctx.print(formatCacheResult(result));
  return ExitCode.ok;
}

const listCache = defineCommand({
  name: 'list',
  summary:
    'show what the cache folder holds (built layers, root file systems, downloads …) and the images layerforge built',
  options: {
    images: negated('--no-images', 'only the cache folder; do not ask the engine'),
    dockerHost,
  },
  async run(_args, options, ctx) {
    const contents = await listCacheContents(ctx.job, { images: options.images });
    if (ctx.json)
      ctx.printJson({
        ...contents,
        listing: { ...contents.listing, items: jsonItems(contents.listing.items) },
      });
    else ctx.print(formatCacheContents(contents));
    return ExitCode.ok;
  },
});

const pruneCache = defineCommand({
  name: 'prune',
  summary: 'remove what was not used lately: by age, keeping the last N of each recipe, runtime and arch',
  help: [
    'Without --older-than or --keep-last: --older-than 30d. With both: what is older and not among the last N.',
    'Also removes what a stopped run left half-written. Never touches what a build is writing or used in the last 2 minutes.',
    '',
    'Examples:',
    '  layerforge cache prune --older-than 30d',
    '  layerforge cache prune --keep-last 2 --images --dry-run',
  ].join('\n'),
  options: {
    olderThan: text('--older-than <age>', 'last used longer ago than this: 30d, 12h, 90m, 2w'),
    keepLast: count(
      '--keep-last <n>',
      'keep the N most recently used of each recipe, runtime, arch and base',
    ),
    ...sharedRemovalOptions,
  },
  async run(_args, options, ctx) {
    const olderThanMs =
      options.olderThan !== undefined
        ? parseAge(options.olderThan)
        : options.keepLast === undefined
          ? parseAge('30d')
          : undefined;
    const plan = await planCachePrune(
      ctx.job,
      {
        ...(olderThanMs !== undefined ? { olderThanMs } : {}),
        ...(options.keepLast !== undefined ? { keepLast: options.keepLast } : {}),
        ...(options.base !== undefined ? { base: options.base } : {}),
      },
      { images: options.images },
    );
    return carryOut(plan, options.dryRun, ctx);
  },
});

const cleanCache = defineCommand({
  name: 'clean',
  summary: 'remove everything in the cache folder (asks first; --yes when not in a terminal)',
  options: {
    yes: flag('-y, --yes', 'do not ask; needed when there is no terminal'),
    ...sharedRemovalOptions,
  },
  async run(_args, options, ctx) {
    const plan = await planCacheClean(ctx.job, {
      images: options.images,
      ...(options.base !== undefined ? { base: options.base } : {}),
    });
    const total = plan.items.length + plan.images.length;
    if (!options.dryRun && total > 0) {
      const question = `remove ${removalSummary(plan.items.length, plan.bytes, plan.images.length)} (${plan.root})?`;
      if (!(await confirmDeletion(ctx, question, { yes: options.yes, command: 'cache clean' }))) {
        ctx.stderr.write('not confirmed: nothing was removed\n');
        return ExitCode.failure;
      }
    }
    return carryOut(plan, options.dryRun, ctx);
  },
});

export const command = defineCommand({
  name: 'cache',
  summary: 'manage the cache: `cache list`, `cache prune`, `cache clean`',
  json: false,
  // Never run: a group without its sub-command prints its help (see src/cli.ts).
  run: () => Promise.resolve(ExitCode.badInput),
  subcommands: [listCache, pruneCache, cleanCache],
});
