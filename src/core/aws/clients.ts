import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { UserError } from '../errors.js';
import { ProxyRoutingAgent } from '../net/agents.js';
import { hasProxy, proxySettingsFrom } from '../net/proxy.js';
import { Redactor } from '../redact.js';
import { describeAwsError, redactedCause } from './errors.js';
import { loadAwsSettings, type AwsSettings, type Sourced } from './settings.js';

/** How to reach AWS: the CLI's --profile and --endpoint-url plus the job's environment. */
export interface AwsClientOptions {
  profile?: string;
  /** One endpoint for Lambda and S3 (an emulator such as moto's server). */
  endpointUrl?: string;
  env: NodeJS.ProcessEnv;
  /** Attempts per read call, throttling and 5xx included (the SDK's standard retry strategy). */
  maxAttempts?: number;
  /** The job's redaction: credentials are added to it as they resolve. Default: a new one. */
  redactor?: Redactor;
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
  /** Profile, default region and endpoints, each with where it came from. */
  readonly settings: AwsSettings;
  /** The region when no --region is given: AWS_REGION, AWS_DEFAULT_REGION, then the profile's. */
  defaultRegion(): Promise<string | undefined>;
  /** Resolves credentials once; throws a UserError when there are none. */
  checkCredentials(): Promise<void>;
  /** Hides every credential value known so far. */
  redact(text: string): string;
  destroy(): void;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
type CredentialsProvider = () => Promise<Credentials>;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 ? value : undefined;
}

/**
 * The SDK's credential chain (SSO, roles, web identity, process, profiles, containers, instance
 * metadata) for the chosen profile. Keys in the job's environment win when no profile is chosen,
 * as in the chain's own first link: read here from the job's environment, which the SDK cannot
 * be given (it reads the process's own environment, the same in the CLI).
 */
function credentialsFor(
  settings: AwsSettings,
  env: NodeJS.ProcessEnv,
  requestHandler: object | undefined,
): CredentialsProvider {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (!settings.profile && accessKeyId && secretAccessKey) {
    const identity = { accessKeyId, secretAccessKey, sessionToken: nonEmpty(env.AWS_SESSION_TOKEN) };
    return () => Promise.resolve(identity);
  }
  return fromNodeProviderChain({
    ...(settings.profile ? { profile: settings.profile.value } : {}),
    filepath: settings.credentialsFile,
    configFilepath: settings.configFile,
    // Roles and SSO call STS and SSO: through the same proxy as every other call.
    ...(requestHandler ? { clientConfig: { requestHandler } } : {}),
  });
}

/** An endpoint from the environment or a profile is checked as the flag is: a typo is bad input, not a crash. */
function checkEndpoint(endpoint: Sourced<string>): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint.value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new UserError(
      `the AWS endpoint "${endpoint.value}" (from ${endpoint.source}) is not an http(s) URL`,
      {
        hint: 'e.g. http://127.0.0.1:5000; unset it to use AWS itself',
      },
    );
  }
}

/**
 * AWS clients resolved as the AWS CLI resolves its settings (see settings.ts): the region and
 * endpoints are passed to the SDK explicitly, so its own look-ups (which read AWS_PROFILE only,
 * and ignore AWS_DEFAULT_REGION) never override them.
 */
export async function createAwsClients(options: AwsClientOptions): Promise<AwsClients> {
  const redactor = options.redactor ?? new Redactor();
  const { env } = options;
  redactor.add(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN);
  const settings = await loadAwsSettings(options);
  for (const endpoint of Object.values(settings.endpoints)) if (endpoint) checkEndpoint(endpoint);
  const proxy = proxySettingsFrom(options.env);
  // One agent for every client: it decides per request between the proxy and a direct connection.
  const agent = hasProxy(proxy) ? new ProxyRoutingAgent(proxy) : undefined;
  const agents = agent ? { httpAgent: agent, httpsAgent: agent } : {};
  const credentials = credentialsFor(settings, options.env, agent ? agents : undefined);
  const common = {
    ...(settings.profile ? { profile: settings.profile.value } : {}),
    credentials,
  };
  const maxAttempts = options.maxAttempts ?? 5;
  const lambdaEndpoint = settings.endpoints.lambda?.value;
  const s3Endpoint = settings.endpoints.s3?.value;

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
      // Resolved above for the chosen profile; the SDK would look only at AWS_PROFILE's.
      ...(lambdaEndpoint ? { endpoint: lambdaEndpoint } : { ignoreConfiguredEndpointUrls: true }),
      // A 50 MB inline upload can be slow; a stalled one should still end.
      requestHandler: {
        connectionTimeout: 10_000,
        requestTimeout: 300_000,
        throwOnRequestTimeout: true,
        ...agents,
      },
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
            ...(s3Endpoint
              ? { endpoint: s3Endpoint, forcePathStyle: true }
              : { ignoreConfiguredEndpointUrls: true }),
            ...(agent ? { requestHandler: agents } : {}),
          }),
      ),
    settings,
    defaultRegion: () => Promise.resolve(settings.region?.value),
    async checkCredentials() {
      try {
        const identity = await credentials();
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
      agent?.destroy();
    },
  };
}
