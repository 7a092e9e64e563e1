import { LambdaServiceException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import {
  describeAwsError,
  isAccessDeniedError,
  isConflictError,
  isNotFoundError,
  isRetryableError,
} from '../../../src/core/aws/errors.js';
import { Redactor } from '../../../src/core/redact.js';
import { InterruptedError } from '../../../src/core/errors.js';

function serviceError(
  name: string,
  status: number,
  fault: 'client' | 'server' = 'client',
): LambdaServiceException {
  return new LambdaServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
    message: `${name} happened`,
  });
}
const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('AWS error classification', () => {
  it('retries throttling, 5xx, timeouts and dropped connections', () => {
    expect(
      isRetryableError(
        new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: 'Rate exceeded' }),
      ),
    ).toBe(true);
    expect(isRetryableError(serviceError('ServiceException', 500, 'server'))).toBe(true);
    expect(isRetryableError(serviceError('Whatever', 503, 'server'))).toBe(true);
    expect(isRetryableError(networkError('ECONNRESET'))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('socket hang up'), {}))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('late'), { name: 'TimeoutError' }))).toBe(true);
  });

  it('does not retry client errors or interruptions', () => {
    expect(isRetryableError(serviceError('InvalidParameterValueException', 400))).toBe(false);
    expect(isRetryableError(serviceError('AccessDeniedException', 403))).toBe(false);
    expect(isRetryableError(new InterruptedError())).toBe(false);
    expect(isRetryableError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
  });

  it('recognises not found, conflict and access denied', () => {
    expect(isNotFoundError(serviceError('ResourceNotFoundException', 404))).toBe(true);
    expect(isNotFoundError(serviceError('NotFound', 404))).toBe(true);
    expect(isConflictError(serviceError('ResourceConflictException', 409))).toBe(true);
    expect(isAccessDeniedError(serviceError('AccessDenied', 403))).toBe(true);
    expect(isNotFoundError(serviceError('AccessDenied', 403))).toBe(false);
  });

  it('describes errors with hints and without secrets', () => {
    const r = new Redactor();
    r.add('AKIASECRETKEYID12345', 'short');
    const redact = (t: string) => r.redact(t);
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(describeAwsError(missing, redact)).toMatchObject({
      message: 'no AWS credentials found',
      hint: expect.stringContaining('--profile'),
    });
    const denied = new LambdaServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'key AKIASECRETKEYID12345 may not publish',
    });
    expect(describeAwsError(denied, redact).message).toBe(
      'access denied (AccessDeniedException): key [redacted] may not publish',
    );
    const signature = serviceError('InvalidSignatureException', 403);
    expect(describeAwsError(signature, redact).message).toMatch(
      /^AWS rejected the credentials \(InvalidSignatureException\)/,
    );
    expect(describeAwsError(serviceError('ServiceException', 500, 'server'), redact).message).toBe(
      'ServiceException happened',
    );
    expect(describeAwsError(networkError('ECONNREFUSED'), redact).message).toBe('connect ECONNREFUSED');
  });
});

describe('Redactor', () => {
  it('hides every known value, longest first, and ignores short ones', () => {
    const r = new Redactor();
    r.add('AKIAEXAMPLEKEY000001', 'token-with-AKIAEXAMPLEKEY000001-inside', undefined, 'abc');
    expect(r.redact('a token-with-AKIAEXAMPLEKEY000001-inside b AKIAEXAMPLEKEY000001 abc')).toBe(
      'a [redacted] b [redacted] abc',
    );
  });
});
