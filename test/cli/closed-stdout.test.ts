// A closed stdout (`| head -1`, `| true`) ends the command quietly with exit 0, cancelling its
// job; any other stdout failure is reported with exit 1; stderr's reader going away drops the
// progress but not the job. In-process, with real Writable streams that fail as pipes do; the
// built binary in real pipes is test/integration/closed-stdout.test.ts.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { CliIO } from '../../src/commands/command.js';
import { guardOutput } from '../../src/output-streams.js';
import { tempDir } from '../support/temp-dir.js';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
});

const errno = (code: string) => Object.assign(new Error(`write ${code}`), { code });

/** A stream whose every write fails with `code`, as a pipe with no reader fails with EPIPE. */
function failing(code: string): Writable & { written: string } {
  const stream = new Writable({
    write(_chunk, _encoding, done) {
      done(errno(code));
    },
  }) as Writable & { written: string };
  stream.written = '';
  return stream;
}

/** A stream that keeps what is written. */
function collecting(): Writable & { written: string } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stream.written += chunk.toString();
      done();
    },
  }) as Writable & { written: string };
  stream.written = '';
  return stream;
}

const io = (stdout: Writable, stderr: Writable): CliIO => ({
  stdout,
  stderr,
  env: {},
  cwd,
  isTTY: false,
  signal: new AbortController().signal,
});

describe('stdout whose reader went away (EPIPE)', () => {
  it.each([[['--help']], [['list', '--json']], [['show', 'hello']], [['list']]])(
    '%j exits 0 with nothing on stderr',
    async (argv) => {
      const stderr = collecting();
      const code = await runCli(argv, io(failing('EPIPE'), stderr));
      expect({ code, stderr: stderr.written }).toEqual({ code: 0, stderr: '' });
    },
  );

  it("cancels the job: the command's signal fires", async () => {
    const stdout = failing('EPIPE');
    const output = guardOutput(io(stdout, collecting()));
    expect(output.io.signal.aborted).toBe(false);
    output.io.stdout.write('first line\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(output.io.signal.aborted).toBe(true);
    expect(output.stdoutGone()).toBe(true);
    // An interrupted (130) or failed (1) job whose reader left still ends 0.
    expect(await output.finish(130)).toBe(0);
  });

  it('a cancellation from outside (Ctrl-C) still reaches the command', async () => {
    const controller = new AbortController();
    const output = guardOutput({ ...io(collecting(), collecting()), signal: controller.signal });
    controller.abort();
    expect(output.io.signal.aborted).toBe(true);
    expect(await output.finish(130)).toBe(130);
  });
});

describe('stdout failing for another reason', () => {
  it('is reported on stderr with exit 1, not swallowed', async () => {
    const stderr = collecting();
    const code = await runCli(['list', '--json'], io(failing('ENOSPC'), stderr));
    expect(code).toBe(1);
    expect(stderr.written).toMatch(/^error: cannot write to standard output: write ENOSPC\nhint: /);
  });
});

describe('stderr whose reader went away', () => {
  it('drops the messages and keeps the exit code', async () => {
    const stdout = collecting();
    const code = await runCli(['show', 'no-such-recipe'], io(stdout, failing('EPIPE')));
    expect(code).toBe(2);
    expect(stdout.written).toBe('');
  });

  it('leaves results on stdout and the job running', async () => {
    const stdout = collecting();
    const output = guardOutput(io(stdout, failing('EPIPE')));
    output.io.stderr.write('progress\n');
    await new Promise((resolve) => setImmediate(resolve));
    output.io.stdout.write('result\n');
    expect(output.io.signal.aborted).toBe(false);
    expect(await output.finish(0)).toBe(0);
    expect(stdout.written).toBe('result\n');
  });

  it('any other stderr error is not swallowed', () => {
    const stderr = Object.assign(new EventEmitter(), { write: () => true });
    guardOutput(io(collecting(), stderr as unknown as Writable));
    expect(() => stderr.emit('error', errno('EIO'))).toThrow('write EIO');
  });
});
