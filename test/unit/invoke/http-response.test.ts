import { describe, expect, it } from 'vitest';
import {
  functionErrorOf,
  parseHttpResponse,
  type HttpResponse,
} from '../../../src/core/invoke/http-response.js';

function response(text: string): HttpResponse {
  const parsed = parseHttpResponse(Buffer.from(text));
  if (!parsed) throw new Error('not parsed');
  return parsed;
}

const ERROR_DOCUMENT =
  '{"errorMessage": "bad world", "errorType": "ValueError", "requestId": "1", "stackTrace": ["  File \\"/var/task/app.py\\", line 6"]}';

describe('parseHttpResponse', () => {
  it('reads the status, lower-cased headers and the body', () => {
    const parsed = response(
      'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nX-Amz-Function-Error: Unhandled\r\n\r\n{"a":1}',
    );
    expect(parsed.statusCode).toBe(200);
    expect(parsed.headers).toEqual({
      'content-type': 'application/json',
      'x-amz-function-error': 'Unhandled',
    });
    expect(parsed.body.toString()).toBe('{"a":1}');
  });

  it('joins a chunked body', () => {
    const parsed = response(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n4\r\n:12}\r\n0\r\n\r\n',
    );
    expect(parsed.body.toString()).toBe('{"a":12}');
  });

  it('keeps a body that is not UTF-8 text byte for byte', () => {
    const raw = Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), Buffer.from([0xff, 0x00, 0x0a])]);
    expect([...(parseHttpResponse(raw)?.body ?? [])]).toEqual([0xff, 0x00, 0x0a]);
  });

  it('returns undefined for anything else', () => {
    expect(parseHttpResponse(Buffer.from(''))).toBeUndefined();
    expect(parseHttpResponse(Buffer.from('garbage\r\n\r\n'))).toBeUndefined();
  });
});

describe('functionErrorOf: a handler error, the way Lambda returns it', () => {
  it('an error document with X-Amz-Function-Error', () => {
    expect(
      functionErrorOf(
        response(`HTTP/1.0 200 OK\r\nX-Amz-Function-Error: Unhandled\r\n\r\n${ERROR_DOCUMENT}`),
      ),
    ).toEqual({
      errorType: 'ValueError',
      errorMessage: 'bad world',
      stackTrace: ['  File "/var/task/app.py", line 6'],
    });
  });

  it('an error document without any header (older emulators)', () => {
    expect(functionErrorOf(response(`HTTP/1.0 200 OK\r\n\r\n${ERROR_DOCUMENT}`))?.errorType).toBe(
      'ValueError',
    );
  });

  it('an Error-Type header and a non-2xx status (newer emulators)', () => {
    expect(
      functionErrorOf(
        response('HTTP/1.0 502 Bad Gateway\r\nError-Type: Runtime.ExitError\r\n\r\nRuntime exited'),
      ),
    ).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'Runtime exited',
    });
  });

  it('a timeout, which the emulator answers as plain text', () => {
    expect(functionErrorOf(response('HTTP/1.0 200 OK\r\n\r\nTask timed out after 3.00 seconds'))).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 3.00 seconds',
    });
  });

  it('a successful response is no error, even one mentioning errors', () => {
    expect(
      functionErrorOf(response('HTTP/1.0 200 OK\r\n\r\n{"errorType": "only one of the two fields"}')),
    ).toBeUndefined();
    expect(functionErrorOf(response('HTTP/1.0 200 OK\r\n\r\n"plain string"'))).toBeUndefined();
  });
});
