import type { ContainerEngine } from '../engine/container-engine.js';
import { architectureFromInfo, parseEngineSpec } from '../engine/engine-spec.js';
import { JobFailedError } from '../errors.js';
import type { JobContext } from '../job-context.js';
import type { Architecture } from '../runtimes/catalog.js';

/** An engine a matrix can send cells to, with the architecture it routes by. */
export interface MatrixEngine {
  engine: ContainerEngine;
  /** What the summary calls it: the `--docker-host` value as given, or the engine's endpoint. */
  label: string;
  /** Declared (`arm64=URL`) or read from the engine's `/info`; undefined when neither is known. */
  arch: Architecture | undefined;
}

/** Where one cell runs: `emulated` when no engine of its arch was given and it runs under QEMU. */
export interface CellPlacement {
  engine: MatrixEngine;
  emulated: boolean;
}

type EngineJob = Pick<JobContext, 'engine' | 'sink' | 'signal'>;

/**
 * The engines of a matrix from `--docker-host` values (`arm64=URL` or a plain URL). A plain URL's
 * architecture is read from the engine's `/info`, and an engine that does not answer fails the
 * job before any cell starts. A declared architecture is trusted, even when `/info` says
 * otherwise: an x86_64 machine that runs arm64 containers under QEMU is a legitimate arm64
 * engine (and this machine's CI has no other), so the disagreement is only warned about.
 * Without hosts, the job's default engine, its arch read when it answers.
 */
export async function matrixEngines(hosts: string[], job: EngineJob): Promise<MatrixEngine[]> {
  if (hosts.length === 0) {
    const engine = await job.engine();
    const reported = await engine.architecture(job.signal).catch(() => '');
    return [{ engine, label: engine.endpoint, arch: architectureFromInfo(reported) }];
  }
  const specs = hosts.map(parseEngineSpec);
  return Promise.all(
    specs.map(async (spec): Promise<MatrixEngine> => {
      const engine = await job.engine(spec.host);
      if (spec.arch) {
        // Only to warn: a declared engine that does not answer fails in its cells, as before.
        const reported = await engine.architecture(job.signal).catch(() => undefined);
        const actual = reported === undefined ? undefined : architectureFromInfo(reported);
        if (reported !== undefined && actual !== spec.arch) {
          job.sink({
            type: 'warning',
            code: 'engine.arch-declared',
            message: `--docker-host ${spec.label}: the engine reports ${reported || 'no architecture'}, not ${spec.arch}; trusting the declaration (it runs ${spec.arch} containers under emulation, or the declaration is wrong)`,
          });
        }
        return { engine, label: spec.label, arch: spec.arch };
      }
      let reported: string;
      try {
        reported = await engine.architecture(job.signal);
      } catch (cause) {
        throw new JobFailedError(`cannot read the architecture of the Docker engine ${spec.label}`, {
          cause,
          hint: `check that it runs, or declare its architecture: --docker-host arm64=${spec.host} (or x86_64=...)`,
          details: [cause instanceof Error ? cause.message : String(cause)],
        });
      }
      const arch = architectureFromInfo(reported);
      if (arch === undefined) {
        throw new JobFailedError(
          `the Docker engine ${spec.label} runs on ${reported || 'an unnamed architecture'}, which Lambda does not have`,
          { hint: 'give engines on x86_64 or arm64 machines, or declare one: --docker-host arm64=URL' },
        );
      }
      return { engine, label: spec.label, arch };
    }),
  );
}

/**
 * Each cell's engine: round-robin over the engines of the cell's arch; when there is none,
 * round-robin over all of them, where the cell runs under emulation (QEMU), which is slower and
 * which the summary names. Engines of unknown arch take only cells no known engine matches.
 */
export function placeCells(cells: { arch: Architecture }[], engines: MatrixEngine[]): CellPlacement[] {
  if (engines.length === 0) throw new Error('a matrix needs at least one engine');
  const turns = new Map<string, number>();
  const next = (group: string, pool: MatrixEngine[]): MatrixEngine => {
    const turn = turns.get(group) ?? 0;
    turns.set(group, turn + 1);
    return pool[turn % pool.length] as MatrixEngine;
  };
  return cells.map((cell) => {
    const native = engines.filter((e) => e.arch === cell.arch);
    if (native.length > 0) return { engine: next(cell.arch, native), emulated: false };
    const unknown = engines.filter((e) => e.arch === undefined);
    if (unknown.length > 0) return { engine: next('unknown', unknown), emulated: false };
    return { engine: next('emulated', engines), emulated: true };
  });
}
