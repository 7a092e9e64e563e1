import { isAbortError } from '../errors.js';

/** The parts of an AWS SDK v3 error that layerforge looks at. */
interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: unknown): AwsErrorShape {
  return error !== null && typeof error === 'object' ? (error as AwsErrorShape) : {};
}

export function awsErrorName(error: unknown): string {
  const name = shape(error).name;
  return typeof name === 'string' ? name : 'Error';
}

export function httpStatusOf(error: unknown): number | undefined {
  const status = shape(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'SlowDown',
  'ThrottledException',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

export function isThrottlingError(error: unknown): boolean {
  return THROTTLING_NAMES.has(awsErrorName(error)) || httpStatusOf(error) === 429;
}

/**
 * Errors after which the request may or may not have reached the service: throttling, 5xx,
 * timeouts and dropped connections. A retry of a non-idempotent call must check first.
 */
export function isRetryableError(error: unknown): boolean {
  if (isAbortError(error)) return false;
  if (isThrottlingError(error)) return true;
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 500) return true;
  const { code } = shape(error);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (TIMEOUT_NAMES.has(awsErrorName(error))) return true;
  // A socket closed before any response has no status and no error code on some Node versions.
  return (
    status === undefined &&
    /socket hang up|ECONNRESET|other side closed/i.test(String(shape(error).message ?? ''))
  );
}

export function isNotFoundError(error: unknown): boolean {
  const name = awsErrorName(error);
  return (
    name === 'ResourceNotFoundException' ||
    name === 'NotFound' ||
    name === 'NoSuchBucket' ||
    httpStatusOf(error) === 404
  );
}

export function isConflictError(error: unknown): boolean {
  return awsErrorName(error) === 'ResourceConflictException' || httpStatusOf(error) === 409;
}

export function isCredentialsMissingError(error: unknown): boolean {
  return awsErrorName(error) === 'CredentialsProviderError';
}

const REJECTED_CREDENTIAL_NAMES = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
]);

export function isAccessDeniedError(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'AccessDeniedException' || name === 'AccessDenied' || httpStatusOf(error) === 403;
}

/** What went wrong, in one line, with a hint the user can act on. Never includes credentials. */
export function describeAwsError(
  error: unknown,
  redact: (text: string) => string,
): { message: string; hint?: string } {
  const name = awsErrorName(error);
  const raw = shape(error).message;
  const detail = redact(typeof raw === 'string' && raw.length > 0 ? raw : name);
  if (isCredentialsMissingError(error)) {
    return {
      message: 'no AWS credentials found',
      hint: 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile, or run `aws sso login`',
    };
  }
  if (REJECTED_CREDENTIAL_NAMES.has(name)) {
    return {
      message: `AWS rejected the credentials (${name}): ${detail}`,
      hint: 'check the profile or keys in use; expired SSO sessions need `aws sso login`',
    };
  }
  if (isAccessDeniedError(error)) {
    return {
      message: `access denied (${name}): ${detail}`,
      hint: 'the credentials in use need lambda:PublishLayerVersion, lambda:ListLayerVersions, lambda:GetLayerVersion (and s3:PutObject for big zips)',
    };
  }
  return { message: name === 'Error' || detail.includes(name) ? detail : `${name}: ${detail}` };
}

/** A stand-in for an AWS error as a `cause`: `--debug` prints causes, and AWS messages can quote credentials. */
export function redactedCause(error: unknown, redact: (text: string) => string): Error {
  const message = shape(error).message;
  return new Error(redact(`${awsErrorName(error)}: ${typeof message === 'string' ? message : ''}`));
}
