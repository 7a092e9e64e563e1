import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../errors.js';
import { describeAwsError, redactedCause } from './errors.js';
import { Redactor } from './redact.js';

/** How to reach AWS: the CLI's --profile and --endpoint-url plus the process environment. */
export interface AwsClientOptions {
  profile?: string;
  /** One endpoint for Lambda and S3 (an emulator such as moto's server). */
  endpointUrl?: string;
  env: NodeJS.ProcessEnv;
  /** Attempts per read call, throttling and 5xx included (the SDK's standard retry strategy). */
  maxAttempts?: number;
}

/**
 * The only place layerforge builds AWS clients; everything else receives this port.
 * Tests point it at moto's server; the CLI builds it from flags.
 */
export interface AwsClients {
  /** Lambda with the SDK's standard retries: for reads and idempotent writes. */
  lambda(region: string): LambdaClient;
  /**
   * Lambda with a single attempt: PublishLayerVersion is not idempotent, so layerforge
   * retries it itself, after checking whether the failed attempt created the version.
   */
  lambdaPublish(region: string): LambdaClient;
  s3(region: string): S3Client;
  /** The region from the environment or the profile, as the SDK resolves it. */
  defaultRegion(): Promise<string | undefined>;
  /** Resolves credentials once; throws a UserError when there are none. */
  checkCredentials(): Promise<void>;
  /** Hides every credential value known so far. */
  redact(text: string): string;
  destroy(): void;
}

/** The standard endpoint variables, read from the injected environment as the SDK reads them. */
export function endpointFor(service: 'LAMBDA' | 'S3', options: AwsClientOptions): string | undefined {
  if (options.endpointUrl) return options.endpointUrl;
  const env = options.env;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return nonEmpty(env[`AWS_ENDPOINT_URL_${service}`]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 ? value : undefined;
}

interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Keys in the injected environment win, unless a profile was asked for (the SDK's own order). */
function credentialsFromEnv(options: AwsClientOptions): StaticCredentials | undefined {
  const { env } = options;
  if (options.profile || env.AWS_PROFILE) return undefined;
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: nonEmpty(env.AWS_SESSION_TOKEN) };
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const redactor = new Redactor();
  const credentials = credentialsFromEnv(options);
  if (credentials)
    redactor.add(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken);
  const profile = options.profile ?? nonEmpty(options.env.AWS_PROFILE);
  // One credential provider for every client: the chain (SSO, roles, profiles) resolves once,
  // and what checkCredentials resolved is what the calls sign with.
  const identityClient = new LambdaClient({
    ...(profile ? { profile } : {}),
    ...(credentials ? { credentials } : {}),
    region: 'us-east-1',
  });
  const common = {
    ...(profile ? { profile } : {}),
    credentials: identityClient.config.credentials,
  };
  const maxAttempts = options.maxAttempts ?? 5;
  const lambdaEndpoint = endpointFor('LAMBDA', options);
  const s3Endpoint = endpointFor('S3', options);

  const cache = new Map<string, LambdaClient | S3Client>();
  function cached<T extends LambdaClient | S3Client>(key: string, make: () => T): T {
    const existing = cache.get(key);
    if (existing) return existing as T;
    const client = make();
    cache.set(key, client);
    return client;
  }
  const makeLambda = (region: string, attempts: number): LambdaClient =>
    new LambdaClient({
      ...common,
      region,
      maxAttempts: attempts,
      ...(lambdaEndpoint ? { endpoint: lambdaEndpoint } : {}),
      // A 50 MB inline upload can be slow; a stalled one should still end.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 300_000, throwOnRequestTimeout: true },
    });

  return {
    lambda: (region) => cached(`lambda:${region}`, () => makeLambda(region, maxAttempts)),
    lambdaPublish: (region) => cached(`lambda-publish:${region}`, () => makeLambda(region, 1)),
    s3: (region) =>
      cached(
        `s3:${region}`,
        () =>
          new S3Client({
            ...common,
            region,
            maxAttempts,
            // Emulators and most custom endpoints serve buckets by path, not by host name.
            ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
          }),
      ),
    async defaultRegion() {
      const fromEnv = nonEmpty(options.env.AWS_REGION);
      if (fromEnv) return fromEnv;
      const probe = new LambdaClient(profile ? { profile } : {});
      try {
        return await probe.config.region();
      } catch {
        return undefined;
      } finally {
        probe.destroy();
      }
    },
    async checkCredentials() {
      try {
        const identity = await identityClient.config.credentials();
        redactor.add(identity.accessKeyId, identity.secretAccessKey, identity.sessionToken);
      } catch (cause) {
        const { message, hint } = describeAwsError(cause, (t) => redactor.redact(t));
        throw new UserError(message, { hint, cause: redactedCause(cause, (t) => redactor.redact(t)) });
      }
    },
    redact: (text) => redactor.redact(text),
    destroy() {
      for (const client of cache.values()) client.destroy();
      cache.clear();
      identityClient.destroy();
    },
  };
}
