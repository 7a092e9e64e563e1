import { homedir } from 'node:os';
import { join } from 'node:path';

/** A value and where it came from, so `doctor` and errors can say why it is what it is. */
export interface Sourced<T> {
  value: T;
  source: string;
}

/** The AWS services layerforge calls, by the names the endpoint variables and config use. */
export type AwsService = 'lambda' | 's3';

/** One profile's keys, as the shared config files hold them (`services.<name>` for services sections). */
export type IniSection = Record<string, string | undefined>;

/** The two shared files, parsed: `configFile` keyed by profile name and `services.<name>`. */
export interface SharedConfigFiles {
  configFile: Record<string, IniSection>;
  credentialsFile: Record<string, IniSection>;
}

/** How to reach AWS, resolved the way the AWS CLI resolves it. */
export interface AwsSettings {
  /** The profile asked for (`--profile`, then AWS_PROFILE); undefined means `default`. */
  profile?: Sourced<string>;
  /** The region when no `--region` is given: AWS_REGION, AWS_DEFAULT_REGION, then the profile's. */
  region?: Sourced<string>;
  /** Per service: `--endpoint-url`, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then the profile's. */
  endpoints: Record<AwsService, Sourced<string> | undefined>;
  /** The shared files read, for messages. */
  configFile: string;
  credentialsFile: string;
}

export interface AwsSettingsInput {
  profile?: string;
  endpointUrl?: string;
  env: NodeJS.ProcessEnv;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim().length > 0 ? value.trim() : undefined;
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path.startsWith('~/') ? join(homeOf(env), path.slice(2)) : path;
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir();
}

/** AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials. */
export function sharedFilePaths(env: NodeJS.ProcessEnv): { configFile: string; credentialsFile: string } {
  return {
    configFile: expandHome(nonEmpty(env.AWS_CONFIG_FILE) ?? join(homeOf(env), '.aws', 'config'), env),
    credentialsFile: expandHome(
      nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? join(homeOf(env), '.aws', 'credentials'),
      env,
    ),
  };
}

/** The profile asked for: `--profile`, then AWS_PROFILE. */
export function profileFrom(input: AwsSettingsInput): Sourced<string> | undefined {
  const flag = nonEmpty(input.profile);
  if (flag) return { value: flag, source: '--profile' };
  const fromEnv = nonEmpty(input.env.AWS_PROFILE);
  return fromEnv ? { value: fromEnv, source: 'AWS_PROFILE' } : undefined;
}

/**
 * The profile's keys: the config file's over the credentials file's, as the SDK merges them.
 * `[default]` and `[profile default]` are both the default profile.
 */
export function profileSection(files: SharedConfigFiles, name: string): IniSection {
  return { ...(files.credentialsFile[name] ?? {}), ...(files.configFile[name] ?? {}) };
}

const truthy = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/**
 * The endpoint a service's calls go to, in the AWS CLI's order: the flag, the service's variable,
 * AWS_ENDPOINT_URL, then the profile's `services` section and its `endpoint_url`. The profile is
 * the one chosen by `--profile` or AWS_PROFILE alike (the SDK alone reads only AWS_PROFILE's).
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's ignore_configured_endpoint_urls) leaves
 * only the flag.
 */
export function endpointFor(
  service: AwsService,
  input: AwsSettingsInput,
  section: IniSection,
  files: SharedConfigFiles,
): Sourced<string> | undefined {
  const flag = nonEmpty(input.endpointUrl);
  if (flag) return { value: flag, source: '--endpoint-url' };
  const { env } = input;
  if (truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return undefined;
  if (
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === undefined &&
    truthy(section.ignore_configured_endpoint_urls)
  )
    return undefined;
  const variable = `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
  const perService = nonEmpty(env[variable]);
  if (perService) return { value: perService, source: variable };
  const all = nonEmpty(env.AWS_ENDPOINT_URL);
  if (all) return { value: all, source: 'AWS_ENDPOINT_URL' };
  const servicesName = nonEmpty(section.services);
  if (servicesName) {
    const fromServices = nonEmpty(files.configFile[`services.${servicesName}`]?.[`${service}.endpoint_url`]);
    if (fromServices) return { value: fromServices, source: `[services ${servicesName}] ${service}` };
  }
  const fromProfile = nonEmpty(section.endpoint_url);
  return fromProfile ? { value: fromProfile, source: 'endpoint_url in the profile' } : undefined;
}

/** The region when none is given on the command line: AWS_REGION, AWS_DEFAULT_REGION, the profile's. */
export function regionFrom(env: NodeJS.ProcessEnv, section: IniSection): Sourced<string> | undefined {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const value = nonEmpty(env[name]);
    if (value) return { value, source: name };
  }
  const fromProfile = nonEmpty(section.region);
  return fromProfile ? { value: fromProfile, source: 'region in the profile' } : undefined;
}

/** Everything but the credentials, from the flags, the environment and the parsed shared files. */
export function resolveAwsSettings(input: AwsSettingsInput, files: SharedConfigFiles): AwsSettings {
  const profile = profileFrom(input);
  const section = profileSection(files, profile?.value ?? 'default');
  const region = regionFrom(input.env, section);
  return {
    ...(profile ? { profile } : {}),
    ...(region ? { region } : {}),
    endpoints: {
      lambda: endpointFor('lambda', input, section, files),
      s3: endpointFor('s3', input, section, files),
    },
    ...sharedFilePaths(input.env),
  };
}

/**
 * Reads and resolves: the shared files are parsed by the SDK's own reader, so a file the AWS CLI
 * accepts reads the same here. A missing file is an empty one.
 */
export async function loadAwsSettings(input: AwsSettingsInput): Promise<AwsSettings> {
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const paths = sharedFilePaths(input.env);
  const files = await loadSharedConfigFiles({
    configFilepath: paths.configFile,
    filepath: paths.credentialsFile,
    ignoreCache: true,
  });
  return resolveAwsSettings(input, files as SharedConfigFiles);
}
