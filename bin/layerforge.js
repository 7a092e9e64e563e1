#!/usr/bin/env node
// Thin launcher: wires the process (signals, exit code) to the in-process CLI, bundled in
// lib/bundle/ (scripts/bundle.mjs) so start-up reads a few files, not hundreds of modules.
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { warnAboutNode } from './node-version.js';

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
    // Say so at once: removing a container can take a moment, and the user should know a second
    // signal is there if they will not wait.
    process.stderr.write(`\n${signal}: stopping and cleaning up (send it again to stop at once)\n`);
    controller.abort();
  });
}

// Once per run, on stderr: Node below 22 gets a warning, below 20 a refusal (bin/node-version.js).
if (warnAboutNode(process.version, process.stderr)) process.exit(1);

// `layerforge --version` alone is what scripts call most: answered from package.json before the
// bundle loads, as the CLI would answer it (commander prints the version and a newline).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  // Required, not imported: node:fs's ESM facade reads every export, and fs.promises' getter
  // loads FileHandle with readline, watchers and streams (the bundle does the same).
  const { readFileSync } = module.createRequire(import.meta.url)('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(pkg, 'utf8')).version}\n`);
  process.exit(0);
}

// A closed stdout (`| head -1`) is runCli's to handle (src/output-streams.ts): it cancels the job
// and returns 0, so only real signals reach the exit codes below.

// --debug prints stack traces: map them to the TypeScript (the maps in lib/ carry it) before the
// CLI's modules load, as only modules loaded afterwards are mapped. Off otherwise: it costs time.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

// Node 22.1 and later keep V8's compiled code for the bundle on disk (in the system's temporary
// folder, keyed by file content and Node version; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so
// a second start skips most compiling. Node 20 has no such cache and starts as before.
module.enableCompileCache?.();

// Loaded after the handlers exist: a signal while the CLI's modules load is still a clean exit.
const { runCli } = await import('../lib/bundle/cli.js');
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY && process.stdin.isTTY),
  signal: controller.signal,
});
if (interruptedBy !== undefined) {
  // Interrupted, even when the work was done by then: the shell's convention. The command has
  // cleaned up; an idle socket or timer must not keep the process alive.
  process.exit(SIGNAL_EXIT[interruptedBy]);
}
process.exitCode = code;
