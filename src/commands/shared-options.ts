import type { AwsClients } from '../core/aws/clients.js';
import { loadConfig, userRecipeDirs } from '../core/config.js';
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
