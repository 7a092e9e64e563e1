import type { AwsClients } from '../core/aws/clients.js';
import { loadConfig, userRecipeDirs, type LayerforgeConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { CommandContext, OptionSpec } from './command.js';
import { listOption, stringOption } from './command.js';

export const recipesOption: OptionSpec = {
  flags: '--recipes <dir>',
  description:
    'an extra recipe folder, searched before the bundled ones; repeatable (also $LAYERFORGE_RECIPES and recipeDirs in layerforge.config.yaml)',
  repeatable: true,
};

/**
 * The user's recipe folders, in search order: `--recipes` flags, $LAYERFORGE_RECIPES, then
 * `recipeDirs` from layerforge.config.yaml in the working directory.
 */
export async function recipeDirsFrom(
  options: Record<string, unknown>,
  ctx: CommandContext,
): Promise<string[]> {
  const config = await loadConfig(ctx.cwd);
  return userRecipeDirs(listOption(options, 'recipes'), config, ctx.env, ctx.cwd);
}

/** --region, --profile, --endpoint-url: shared by `publish` and `versions`. */
export const awsOptionSpecs: OptionSpec[] = [
  {
    flags: '--region <region>',
    repeatable: true,
    description: 'AWS region(s), repeatable or comma-separated (default: AWS_REGION or the profile)',
  },
  {
    flags: '--profile <name>',
    description: 'AWS profile from ~/.aws/config (default: AWS_PROFILE or the standard credential chain)',
  },
  {
    flags: '--endpoint-url <url>',
    description:
      'send Lambda and S3 calls to this endpoint, e.g. an emulator (also AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_S3)',
  },
];

/** AWS clients from --profile and --endpoint-url, made by the job: the SDK loads only here. */
export async function awsClientsFrom(
  options: Record<string, unknown>,
  ctx: CommandContext,
): Promise<AwsClients> {
  const profile = stringOption(options, 'profile');
  const endpointUrl = stringOption(options, 'endpointUrl');
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(endpointUrl)) {
    throw new UserError(`--endpoint-url "${endpointUrl}" is not an http(s) URL`, {
      hint: 'e.g. --endpoint-url http://127.0.0.1:5000',
    });
  }
  return ctx.job.aws({ ...(profile ? { profile } : {}), ...(endpointUrl ? { endpointUrl } : {}) });
}

export const baseOption: OptionSpec = {
  flags: '--base <name>',
  description:
    'base image pair: lambda (official, default) or debian12 (offline stand-in); also $LAYERFORGE_BASE',
};

/** The base image pair: --base, then $LAYERFORGE_BASE, then `base` in layerforge.config.yaml. */
export function baseFrom(
  options: Record<string, unknown>,
  ctx: CommandContext,
  config: LayerforgeConfig,
): string | undefined {
  return stringOption(options, 'base') ?? ctx.env.LAYERFORGE_BASE ?? config.base;
}

/** A count given as a flag (--jobs, --repeat, --limit …): a whole number ≥ 1, or a UserError. */
export function positiveInteger(
  options: Record<string, unknown>,
  key: string,
  flag: string,
): number | undefined {
  const raw = stringOption(options, key);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UserError(`${flag} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}
