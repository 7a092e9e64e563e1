import { ExitCode, UserError } from '../core/errors.js';
import { formatArns, parseArnFormat, ARN_FORMATS } from '../core/publish/arns-format.js';
import { currentEntries, lockFilePath, readLockFile } from '../core/publish/lock-file.js';
import { defineCommand } from './command.js';
import { list, text } from './options.js';

export const command = defineCommand({
  name: 'arns',
  summary:
    'print the current layer version ARNs from layerforge.lock.json, ready to paste (json, env, sam, terraform, cdk)',
  help: 'Examples:\n  layerforge arns --format sam\n  layerforge arns --format terraform --region eu-west-1',
  options: {
    format: text('--format <format>', `one of ${ARN_FORMATS.join(', ')} (default: env; json with --json)`),
    layer: list('--layer <name>', 'only these layers'),
    region: list('--region <region>', 'only these regions'),
  },
  async run(_args, options, ctx) {
    const given = options.format;
    if (ctx.json && given !== undefined && given !== 'json') {
      throw new UserError(`--json and --format ${given} ask for different outputs`, {
        hint: 'give one of them',
      });
    }
    const format = parseArnFormat(given ?? (ctx.json ? 'json' : 'env'));
    const path = lockFilePath(ctx.cwd);
    const lock = await readLockFile(path);
    const { layer: layers, region: regions } = options;
    const entries = currentEntries(lock).filter(
      (e) =>
        (layers.length === 0 || layers.includes(e.layerName)) &&
        (regions.length === 0 || regions.includes(e.region)),
    );
    if (entries.length === 0) {
      throw new UserError(
        lock.layers.length === 0
          ? `no published layers recorded in ${path}`
          : 'no recorded layer matches --layer/--region',
        {
          hint:
            lock.layers.length === 0
              ? 'publish one with `layerforge publish <zip> --region <region>`'
              : undefined,
        },
      );
    }
    ctx.print(formatArns(entries, format));
    return ExitCode.ok;
  },
});
