import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmDeletion } from '../../src/commands/confirm.js';
import { InterruptedError, UserError } from '../../src/core/errors.js';

// The question a deleting command asks, on streams standing in for the terminal.

function terminal(answer?: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  if (answer !== undefined) input.end(answer);
  return { prompt: { input, output }, input, shown: () => shown };
}

const tty = { isTTY: true, json: false, signal: new AbortController().signal };
const options = { yes: false, command: 'cache clean' };

describe('confirmDeletion', () => {
  it('asks on a terminal: y or yes deletes, anything else does not', async () => {
    const yes = terminal('y\n');
    expect(await confirmDeletion(tty, 'remove 3 item(s)?', options, yes.prompt)).toBe(true);
    expect(yes.shown()).toBe('remove 3 item(s)? [y/N] ');
    expect(await confirmDeletion(tty, 'q?', options, terminal('YES\n').prompt)).toBe(true);
    expect(await confirmDeletion(tty, 'q?', options, terminal('n\n').prompt)).toBe(false);
    expect(await confirmDeletion(tty, 'q?', options, terminal('\n').prompt)).toBe(false);
  });

  it('takes the end of the input (Ctrl-D) as no, instead of waiting forever', async () => {
    expect(await confirmDeletion(tty, 'q?', options, terminal('').prompt)).toBe(false);
  });

  it('without a terminal, or with --json, asks nothing and needs --yes (bad usage, exit 2)', async () => {
    const nobody = terminal();
    for (const ctx of [
      { ...tty, isTTY: false },
      { ...tty, json: true },
    ]) {
      const refusal = confirmDeletion(ctx, 'q?', options, nobody.prompt);
      await expect(refusal).rejects.toBeInstanceOf(UserError);
      await expect(refusal).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/--yes/) });
    }
    expect(nobody.shown()).toBe('');
    expect(
      await confirmDeletion({ ...tty, isTTY: false }, 'q?', { ...options, yes: true }, nobody.prompt),
    ).toBe(true);
  });

  it('Ctrl-C while it waits is an interruption', async () => {
    const stop = new AbortController();
    const waiting = terminal();
    const asked = confirmDeletion({ ...tty, signal: stop.signal }, 'q?', options, waiting.prompt);
    stop.abort();
    await expect(asked).rejects.toBeInstanceOf(InterruptedError);
  });
});
