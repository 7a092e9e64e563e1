import { describe, expect, it } from 'vitest';
import {
  isReservedBuildEnvName,
  parseBuildEnvEntry,
  resolveBuildEnv,
  warnUnreachableProxy,
} from '../../../src/core/builder/build-env.js';
import { buildEnvironment } from '../../../src/core/builder/plan.js';
import { recordEvents } from '../../../src/core/events.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { handBase } from './helpers.js';

describe('--build-env entries', () => {
  it('KEY=VALUE keeps every = after the first; KEY alone asks for the host value', () => {
    expect(parseBuildEnvEntry('PIP_INDEX_URL=https://h/simple?a=b', '--build-env')).toEqual({
      name: 'PIP_INDEX_URL',
      value: 'https://h/simple?a=b',
      from: '--build-env',
    });
    expect(parseBuildEnvEntry('TOKEN', '--build-env')).toEqual({ name: 'TOKEN', from: '--build-env' });
    expect(parseBuildEnvEntry('EMPTY=', '--build-env').value).toBe('');
  });

  it('refuses a bad name and the names layerforge sets, as bad input', () => {
    expect(() => parseBuildEnvEntry('1X=1', '--build-env')).toThrow(/"1X" is not a variable name/);
    expect(() => parseBuildEnvEntry('=x', '--build-env')).toThrow(/is not a variable name/);
    expect(() => parseBuildEnvEntry('PREFIX=/usr', '--build-env')).toThrow(/PREFIX is set by layerforge/);
    expect(() => parseBuildEnvEntry('LAYERFORGE_ARCH=x', '--build-env')).toThrow(/set by layerforge/);
  });

  it("reserves every variable layerforge's build environment sets", () => {
    for (const runtime of ['python3.12', 'nodejs22.x', 'provided.al2023']) {
      for (const name of Object.keys(buildEnvironment(getRuntime(runtime), handBase('al2023'), 2)))
        expect(isReservedBuildEnvName(name), name).toBe(true);
    }
    expect(isReservedBuildEnvName('PIP_INDEX_URL')).toBe(false);
  });
});

describe('resolveBuildEnv', () => {
  it('later entries win; KEY alone takes the host value, or is left out when unset', () => {
    const entries = [
      parseBuildEnvEntry('A=config', 'buildEnv'),
      parseBuildEnvEntry('B', 'buildEnv'),
      parseBuildEnvEntry('A=flag', '--build-env'),
      parseBuildEnvEntry('MISSING', '--build-env'),
    ];
    expect(resolveBuildEnv(entries, { B: 'from-host' })).toEqual({
      values: { A: 'flag', B: 'from-host' },
      unset: [{ name: 'MISSING', from: '--build-env' }],
    });
  });
});

describe('a proxy on loopback', () => {
  const warnings = (
    env: NodeJS.ProcessEnv,
    options: { dockerNetwork?: string; buildEnv?: Record<string, string> },
  ) => {
    const { sink, events } = recordEvents();
    warnUnreachableProxy(env, options, sink);
    return events;
  };

  it('is named in a warning, without its password, unless the build joins the host network', () => {
    const env = { HTTPS_PROXY: 'http://me:hunter2-pw@127.0.0.1:3128' };
    const events = warnings(env, {});
    expect(events).toEqual([expect.objectContaining({ type: 'warning', code: 'proxy-on-loopback' })]);
    expect(JSON.stringify(events)).toContain('http://127.0.0.1:3128');
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(warnings(env, { dockerNetwork: 'host' })).toEqual([]);
    expect(warnings({ HTTPS_PROXY: 'http://proxy.corp:3128' }, {})).toEqual([]);
    // A --build-env proxy is what the container gets, so it is the one checked.
    expect(warnings({}, { buildEnv: { https_proxy: 'http://localhost:1' } })).toHaveLength(1);
  });
});
