import type { FunctionError } from './types.js';

/** A response as the emulator sent it over the socket. */
export interface HttpResponse {
  statusCode: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Joins a chunked body's chunks (the emulator may stream responses). */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Parses a raw HTTP/1.x response as read off the socket. Returns undefined when it is not one. */
export function parseHttpResponse(raw: Buffer): HttpResponse | undefined {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = raw.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
  if (!status?.[1]) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(headerEnd + 4);
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) body = dechunk(body);
  return { statusCode: Number(status[1]), headers, body };
}

function asObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the response is a function error, and which. Lambda marks one with the
 * X-Amz-Function-Error header and returns `{errorMessage, errorType, stackTrace}`. Emulator
 * versions differ: some set that header, newer ones an `Error-Type` header or a non-2xx status,
 * and older ones only return the error document or a plain "Task timed out" text; all count.
 */
export function functionErrorOf(response: HttpResponse): FunctionError | undefined {
  const text = response.body.toString('utf8');
  const document = asObject(text);
  const errorType = typeof document?.errorType === 'string' ? document.errorType : undefined;
  const errorMessage = typeof document?.errorMessage === 'string' ? document.errorMessage : undefined;
  const flagged =
    response.headers['x-amz-function-error'] !== undefined ||
    response.headers['error-type'] !== undefined ||
    response.statusCode < 200 ||
    response.statusCode >= 300;
  if (errorType !== undefined && errorMessage !== undefined) {
    return {
      errorType,
      errorMessage,
      ...(document?.stackTrace !== undefined ? { stackTrace: document.stackTrace } : {}),
    };
  }
  if (/^Task timed out after/.test(text)) return { errorType: 'Sandbox.Timedout', errorMessage: text.trim() };
  if (!flagged) return undefined;
  return {
    errorType:
      errorType ??
      response.headers['error-type'] ??
      (response.statusCode >= 300 ? `HTTP ${response.statusCode}` : 'Unhandled'),
    errorMessage:
      errorMessage ?? (text.trim() || `the emulator answered ${response.statusCode} with no body`),
  };
}
