import { createInterface } from 'node:readline';
import { InterruptedError, UserError } from '../core/errors.js';
import type { CommandContext } from './command.js';

/** Where the question is asked: the terminal's own streams unless a test gives others. */
export interface Prompt {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/**
 * Asks before a deletion, as gh and the AWS CLI's destructive commands do: on a terminal the user
 * answers y or n; anywhere else (a script, CI, --json) nothing is asked and `--yes` is required,
 * so a command that deletes never blocks on a question no one sees nor deletes unasked.
 */
export async function confirmDeletion(
  ctx: Pick<CommandContext, 'isTTY' | 'json' | 'signal'>,
  question: string,
  options: { yes: boolean; command: string },
  prompt: Prompt = { input: process.stdin, output: process.stderr },
): Promise<boolean> {
  if (options.yes) return true;
  if (!ctx.isTTY || ctx.json) {
    throw new UserError(`${options.command} deletes, and asks first; there is no terminal to ask on`, {
      hint: `add --yes to delete without asking (or --dry-run to see what would go)`,
    });
  }
  const readline = createInterface({ input: prompt.input, terminal: false });
  const { signal } = ctx;
  let onAbort = () => {};
  try {
    const answer = await new Promise<string | undefined>((resolve, reject) => {
      readline.once('line', resolve);
      // The input ended (Ctrl-D) before an answer: that is a no, not a wait forever.
      readline.once('close', () => resolve(undefined));
      onAbort = () => reject(new InterruptedError());
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      prompt.output.write(`${question} [y/N] `);
    });
    return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    signal.removeEventListener('abort', onAbort);
    readline.close();
  }
}
