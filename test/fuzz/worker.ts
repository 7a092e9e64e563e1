// Runs fuzz cases in one process, one after another, through the CLI's own entry point: writes
// the case's input file, runs `layerforge <argv>` in-process and reports exit code, output, time
// and the process's peak RSS to the parent over IPC. The parent owns the time limit: it kills
// this process when a case overruns. Started by cli-fuzz.test.ts with `node --import tsx`, a
// fresh process for each batch of cases, so no batch inherits another's heap.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCli } from '../../src/cli.js';
import type { FuzzCase, FuzzResult, WorkerMessage } from './protocol.js';

const cases = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as FuzzCase[];
const send = (message: WorkerMessage) =>
  new Promise<void>((resolve, reject) =>
    process.send?.(message, (error: Error | null) => (error ? reject(error) : resolve())),
  );

// Anything that bypasses the injected io (Node warnings, a stray console.log) still counts
// against the case that produced it.
let strayOut = '';
let strayErr = '';
process.stdout.write = ((chunk: string | Uint8Array) => (
  (strayOut += String(chunk)),
  true
)) as typeof process.stdout.write;
process.stderr.write = ((chunk: string | Uint8Array) => (
  (strayErr += String(chunk)),
  true
)) as typeof process.stderr.write;
process.on('warning', (warning) => (strayErr += `(node warning) ${warning.name}: ${warning.message}\n`));

for (const fuzzCase of cases) {
  await mkdir(dirname(fuzzCase.input.path), { recursive: true });
  await writeFile(fuzzCase.input.path, Buffer.from(fuzzCase.input.base64, 'base64'));
  await send({ kind: 'start', id: fuzzCase.id });
  let stdout = '';
  let stderr = '';
  strayOut = '';
  strayErr = '';
  const started = performance.now();
  let code: number;
  try {
    code = await runCli(fuzzCase.argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: fuzzCase.env,
      cwd: fuzzCase.cwd,
      isTTY: false,
      signal: new AbortController().signal,
    });
  } catch (error) {
    // runCli must never throw: that is a crash the user would see as a stack trace.
    code = -1;
    stderr += `runCli threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
  }
  // Let warnings emitted on the next tick land on this case.
  await new Promise((resolve) => setImmediate(resolve));
  const result: FuzzResult = {
    id: fuzzCase.id,
    code,
    stdout: stdout + strayOut,
    stderr: stderr + strayErr,
    ms: performance.now() - started,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  await send({ kind: 'done', result });
}
process.disconnect?.();
