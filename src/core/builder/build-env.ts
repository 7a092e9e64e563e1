import { UserError } from '../errors.js';
import type { EventSink } from '../events.js';
import { loopbackProxies, proxySettingsFrom } from '../net/proxy.js';
import { RESERVED_BUILD_ENV } from './plan.js';

/** A variable name as shells and Docker accept it. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `KEY[=VALUE]` as the user wrote it, and where (`--build-env`, `buildEnv in layerforge.config.yaml`). */
export interface BuildEnvEntry {
  name: string;
  /** Undefined: take the value from this machine's environment, as `docker run -e KEY` does. */
  value?: string;
  from: string;
}

/** Splits `KEY=VALUE` or `KEY`; the value may itself hold `=`. */
export function parseBuildEnvEntry(text: string, from: string): BuildEnvEntry {
  const eq = text.indexOf('=');
  const name = eq === -1 ? text : text.slice(0, eq);
  checkName(name, from);
  return eq === -1 ? { name, from } : { name, value: text.slice(eq + 1), from };
}

export function isBuildEnvName(name: string): boolean {
  return NAME.test(name);
}

function checkName(name: string, from: string): void {
  if (!NAME.test(name)) {
    throw new UserError(`${from}: "${name}" is not a variable name`, {
      hint: "give KEY=VALUE, or KEY alone to pass this machine's value, e.g. --build-env PIP_INDEX_URL",
    });
  }
  if (isReservedBuildEnvName(name)) {
    throw new UserError(`${from}: ${name} is set by layerforge for every build and cannot be changed`, {
      hint: `layerforge sets ${RESERVED_BUILD_ENV.join(', ')} and LAYERFORGE_*; the recipe's script reads them`,
    });
  }
}

export function isReservedBuildEnvName(name: string): boolean {
  return name.startsWith('LAYERFORGE_') || (RESERVED_BUILD_ENV as readonly string[]).includes(name);
}

export interface ResolvedBuildEnv {
  /** What the build container gets, by name. */
  values: Record<string, string>;
  /** Names given without a value that this machine's environment does not set: not passed. */
  unset: { name: string; from: string }[];
}

/**
 * The variables build containers get: entries in order (the config file's, then the flags'), a
 * later one replacing an earlier one of the same name. `KEY` alone takes `env[KEY]`; when that
 * is unset the variable is not passed (as `docker run -e KEY`), and the caller warns.
 */
export function resolveBuildEnv(entries: BuildEnvEntry[], env: NodeJS.ProcessEnv): ResolvedBuildEnv {
  const values: Record<string, string> = {};
  const unset: ResolvedBuildEnv['unset'] = [];
  for (const entry of entries) {
    checkName(entry.name, entry.from);
    const value = entry.value ?? env[entry.name];
    if (value === undefined) {
      delete values[entry.name];
      unset.push({ name: entry.name, from: entry.from });
    } else {
      values[entry.name] = value;
    }
  }
  return { values, unset };
}

/** Checks variables given to the core directly (a library caller): names valid, none reserved. */
export function checkBuildEnv(values: Record<string, string>): void {
  for (const name of Object.keys(values)) checkName(name, 'buildEnv');
}

/**
 * A proxy on this machine's loopback is out of reach of a container on the engine's default
 * network (its 127.0.0.1 is its own): say so before pip or dnf time out inside.
 */
export function warnUnreachableProxy(
  env: NodeJS.ProcessEnv,
  options: { buildEnv?: Record<string, string>; dockerNetwork?: string },
  sink: EventSink,
): void {
  if (options.dockerNetwork === 'host') return;
  const settings = proxySettingsFrom({ ...env, ...(options.buildEnv ?? {}) });
  const unreachable = loopbackProxies(settings);
  if (unreachable.length === 0) return;
  sink({
    type: 'warning',
    code: 'proxy-on-loopback',
    message: `the proxy ${unreachable.map(redactUserInfo).join(', ')} is on this machine's loopback, which the build container cannot reach on the engine's default network; pass --docker-network host`,
  });
}

/** `http://user:pass@host:3128` → `http://host:3128`, for messages. */
function redactUserInfo(proxy: string): string {
  try {
    const url = new URL(proxy);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return proxy;
  }
}
