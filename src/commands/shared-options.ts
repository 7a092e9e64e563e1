import type { AwsClients } from '../core/aws/clients.js';
import { loadConfig, userRecipeDirs, type LayerforgeConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { CommandContext } from './command.js';
import { list, text, type OptionValues } from './options.js';

/** --recipes: every command that looks a recipe up. */
export const recipeOptions = {
  recipes: list(
    '--recipes <dir>',
    'an extra recipe folder, searched before the bundled ones; repeatable (also $LAYERFORGE_RECIPES, recipeDirs in layerforge.config.yaml, then ./recipes)',
  ),
};

/**
 * The user's recipe folders, in search order: `--recipes` flags, $LAYERFORGE_RECIPES,
 * `recipeDirs` from layerforge.config.yaml in the working directory, then ./recipes.
 */
export async function recipeDirsFrom(
  options: OptionValues<typeof recipeOptions>,
  ctx: CommandContext,
): Promise<string[]> {
  const config = await loadConfig(ctx.cwd);
  return userRecipeDirs(options.recipes, config, ctx.env, ctx.cwd);
}

/** --region, --profile, --endpoint-url: every command that calls AWS. */
export const awsOptions = {
  region: list(
    '--region <region>',
    "AWS region(s), repeatable or comma-separated (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region)",
  ),
  profile: text(
    '--profile <name>',
    'AWS profile from ~/.aws/config (default: AWS_PROFILE or the standard credential chain)',
  ),
  endpointUrl: text(
    '--endpoint-url <url>',
    "send Lambda and S3 calls to this endpoint, e.g. an emulator (default: AWS_ENDPOINT_URL_LAMBDA / _S3, AWS_ENDPOINT_URL, then the profile's endpoint_url)",
  ),
};

/** AWS clients from --profile and --endpoint-url, made by the job: the SDK loads only here. */
export async function awsClientsFrom(
  options: OptionValues<typeof awsOptions>,
  ctx: CommandContext,
): Promise<AwsClients> {
  const { profile, endpointUrl } = options;
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(endpointUrl)) {
    throw new UserError(`--endpoint-url "${endpointUrl}" is not an http(s) URL`, {
      hint: 'e.g. --endpoint-url http://127.0.0.1:5000',
    });
  }
  return ctx.job.aws({ ...(profile ? { profile } : {}), ...(endpointUrl ? { endpointUrl } : {}) });
}

/**
 * --docker-host and --context: every command that runs containers. The engine is chosen as the
 * docker CLI chooses it (src/core/engine/docker-endpoint.ts); the CLI hands both to the job.
 */
export const engineOptions = {
  dockerHost: text(
    '--docker-host <url>',
    'Docker engine: unix://, tcp:// or ssh:// (default: DOCKER_HOST, then DOCKER_CONTEXT, then the current docker context, then the local socket)',
  ),
  context: text(
    '--context <name>',
    'docker CLI context to use (`docker context ls`); wins over DOCKER_HOST and DOCKER_CONTEXT',
  ),
};

/** --base: every command that runs an image. */
export const baseOptions = {
  base: text(
    '--base <name>',
    'base image pair: lambda (official, default) or debian12 (offline stand-in); also $LAYERFORGE_BASE',
  ),
};

/** The base image pair: --base, then $LAYERFORGE_BASE, then `base` in layerforge.config.yaml. */
export function baseFrom(
  options: OptionValues<typeof baseOptions>,
  ctx: CommandContext,
  config: LayerforgeConfig,
): string | undefined {
  return options.base ?? ctx.env.LAYERFORGE_BASE ?? config.base;
}
