#!/usr/bin/env node
// Thin launcher: wires the process (signals, exit code) to the in-process CLI in lib/.
import { runCli } from '../lib/cli.js';

// The shell's convention: 128 + the signal's number.
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };

const controller = new AbortController();
let interruptedBy;
for (const signal of Object.keys(SIGNAL_EXIT)) {
  process.on(signal, () => {
    // First signal: cancel, clean up (containers, temp files), then exit. Second: the user
    // insists, stop now.
    if (interruptedBy !== undefined) process.exit(SIGNAL_EXIT[signal]);
    interruptedBy = signal;
    controller.abort();
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY && process.stdin.isTTY),
  signal: controller.signal,
});
if (interruptedBy !== undefined && code !== 0) {
  // The command has cleaned up; an idle socket or timer must not keep an interrupted process alive.
  process.exit(SIGNAL_EXIT[interruptedBy]);
}
process.exitCode = code;
