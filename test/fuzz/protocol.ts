/** One fuzz run: write `input`, then run `layerforge <argv>` from `cwd`. */
export interface FuzzCase {
  id: number;
  /** What the case is, for the failure report: `recipe`, `config` or `zip`. */
  kind: 'recipe' | 'config' | 'zip';
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  input: { path: string; base64: string };
}

export interface FuzzResult {
  id: number;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** The worker process's peak resident set so far, in MiB. */
  maxRssMB: number;
}

export type WorkerMessage = { kind: 'start'; id: number } | { kind: 'done'; result: FuzzResult };
