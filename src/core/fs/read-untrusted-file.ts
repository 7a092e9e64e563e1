import { isUtf8 } from 'node:buffer';
import { close, constants, fstat, open, read, type Stats } from 'node:fs';
import { UserError } from '../errors.js';
import { callbackCall } from './callback-call.js';
import { formatIssue, type PositionedIssue } from '../yaml/issue.js';

/** The most a recipe, config or base-image file may hold: real ones are a few KB. */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;

/**
 * A file layerforge refused to read as text: not a regular file, too large, or not UTF-8.
 * Positioned like a YAML problem so it prints as `file:line:col: message` (exit 2).
 */
export class UntrustedFileError extends UserError {
  readonly issue: PositionedIssue;
  constructor(issue: PositionedIssue) {
    super(formatIssue(issue), { hint: issue.hint });
    this.name = 'UntrustedFileError';
    this.issue = issue;
  }
}

function kindOf(stat: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isDirectory(): boolean;
}): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i] ?? 0;
  if (b < 0x80) return 1;
  let length: number;
  let min: number;
  if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
  else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
  else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
  else return 0;
  let codePoint = b & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const next = bytes[i + k];
    if (next === undefined || (next & 0xc0) !== 0x80) return 0;
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
  if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return 0;
  return length;
}

/** Byte offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/** 1-based line and column (in characters) of byte `offset`, for text valid up to there. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const before = Buffer.from(bytes.buffer, bytes.byteOffset, offset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: [...(lines[lines.length - 1] ?? '')].length + 1 };
}

export interface ReadUntrustedOptions {
  /** How the file is named in messages (relative to the working directory, say). */
  displayName?: string;
  /** Size cap in bytes; MAX_YAML_FILE_BYTES by default. */
  maxBytes?: number;
  /** What the file is, for messages: "recipe", "config file" ... */
  what?: string;
}

/**
 * Reads a file a user (or a stranger) wrote as UTF-8 text, refusing anything that could hang or
 * exhaust the process: FIFOs, devices and sockets are refused without reading (opened
 * non-blocking, then checked on the open descriptor so a swapped link cannot slip through),
 * a file over the cap is refused, and bytes that are not UTF-8 are an error at their line and
 * column instead of silently becoming U+FFFD. Every refusal is an UntrustedFileError (exit 2).
 */
export async function readUntrustedTextFile(
  file: string,
  options: ReadUntrustedOptions = {},
): Promise<string> {
  const name = options.displayName ?? file;
  const what = options.what ?? 'file';
  const maxBytes = options.maxBytes ?? MAX_YAML_FILE_BYTES;
  const refuse = (message: string, hint: string, at = { line: 1, column: 1 }): UntrustedFileError =>
    new UntrustedFileError({ file: name, ...at, path: '', message, hint });

  let fd: number;
  try {
    fd = await callbackCall<number>((done) => open(file, constants.O_RDONLY | constants.O_NONBLOCK, done));
  } catch (cause) {
    throw new UserError(`cannot read ${name}`, { cause, hint: 'check the path and its permissions' });
  }
  try {
    const stat = await callbackCall<Stats>((done) => fstat(fd, done));
    if (!stat.isFile()) {
      throw refuse(
        `the ${what} is ${kindOf(stat)}, not a regular file`,
        `replace ${name} with a regular file`,
      );
    }
    if (stat.size > maxBytes) {
      throw refuse(
        `the ${what} is ${stat.size} bytes, more than the ${maxBytes} allowed`,
        `a ${what} is a few KB of YAML: check that ${name} is the file you meant`,
      );
    }
    // Read at most one byte past the cap: a file that grows after fstat is still refused.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, stat.size + 1));
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = await callbackCall<number>((done) =>
        read(fd, buffer, length, buffer.length - length, length, done),
      );
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) {
      throw refuse(
        `the ${what} is more than the ${maxBytes} bytes allowed`,
        `check that ${name} is the file you meant`,
      );
    }
    const bytes = buffer.subarray(0, length);
    // Node's native check first: the loop that finds the offending byte only runs on a bad file.
    const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
    if (bad >= 0) {
      const byte = (bytes[bad] ?? 0).toString(16).padStart(2, '0');
      throw refuse(
        `byte 0x${byte} is not valid UTF-8`,
        `save ${name} as UTF-8 (e.g. \`iconv -f latin1 -t utf-8\`)`,
        positionOfByte(bytes, bad),
      );
    }
    return bytes.toString('utf8');
  } finally {
    await callbackCall<void>((done) => close(fd, (error) => done(error, undefined)));
  }
}
