import { UserError } from '../errors.js';
import { ARCHITECTURES, isArchitecture, type Architecture } from '../runtimes/catalog.js';

/** One `--docker-host` value: `arm64=ssh://graviton`, or a plain URL whose arch the engine tells. */
export interface EngineSpec {
  /** The value as given: what messages and the matrix summary call the engine. */
  label: string;
  /** The Docker host alone, for `JobContext.engine`. */
  host: string;
  /** The architecture declared before `=`; undefined for a plain URL. */
  arch?: Architecture;
}

// `word=` before anything a URL starts with (`/`, `scheme://`, `host:port`): an arch declared.
const DECLARED = /^([^/:=]*)=(.*)$/s;

/** Parses `arch=url` or `url`; an unknown arch or an empty URL is bad input (exit 2). */
export function parseEngineSpec(value: string): EngineSpec {
  const declared = DECLARED.exec(value);
  if (!declared) return { label: value, host: value };
  const [, arch = '', host = ''] = declared;
  const forms = `give x86_64=URL, arm64=URL or a plain URL whose architecture the engine reports, e.g. --docker-host arm64=ssh://graviton`;
  if (!isArchitecture(arch)) {
    throw new UserError(
      `--docker-host "${value}" declares the architecture "${arch}", which Lambda does not have`,
      {
        hint: `Lambda's architectures are ${ARCHITECTURES.join(' and ')}; ${forms}`,
      },
    );
  }
  if (host.trim().length === 0) {
    throw new UserError(`--docker-host "${value}" declares ${arch} but gives no engine URL`, { hint: forms });
  }
  return { label: value, host, arch };
}

/** The engine's `/info` Architecture (`x86_64`, `aarch64`; `amd64`, `arm64` from some) in Lambda's words. */
export function architectureFromInfo(info: string): Architecture | undefined {
  const name = info.trim().toLowerCase();
  if (name === 'x86_64' || name === 'amd64') return 'x86_64';
  if (name === 'aarch64' || name === 'arm64') return 'arm64';
  return undefined;
}
