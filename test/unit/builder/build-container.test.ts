// What a build container is given (proxy variables, the user's build env, the network) and that
// its output is redacted before it reaches an event, the log file or an error.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuildContainer } from '../../../src/core/builder/build-container.js';
import { recordEvents } from '../../../src/core/events.js';
import { Redactor } from '../../../src/core/redact.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { handBase, loadedRecipe, makeRecipe } from './helpers.js';

const SECRET_INDEX = 'https://builder:tok3n-Secret-99@index.corp/simple';

async function run(options: {
  env: NodeJS.ProcessEnv;
  buildEnv: Record<string, string>;
  network?: string;
  lines?: string[];
  exitCode?: number;
}) {
  const work = await tempDir('lf-build-container-');
  const engine = new FakeEngine();
  engine.onRun = () => ({ lines: options.lines ?? [], exitCode: options.exitCode ?? 0 });
  const redactor = new Redactor();
  for (const value of Object.values(options.buildEnv)) redactor.addValue(value);
  const { sink, events } = recordEvents();
  const logPath = join(work, 'build.log');
  const outcome = await runBuildContainer(
    {
      loaded: loadedRecipe(makeRecipe(), work),
      runtime: getRuntime('python3.12'),
      arch: 'x86_64',
      base: handBase('debian12'),
    },
    engine,
    { job: join(work, 'job'), sources: join(work, 'sources'), logPath },
    [],
    {
      sink,
      signal: new AbortController().signal,
      env: options.env,
      redactor,
      buildEnv: options.buildEnv,
      network: options.network,
    },
    async () => {},
  ).catch((error: unknown) => error);
  return { spec: engine.runs[0], events, log: await readFile(logPath, 'utf8'), outcome };
}

describe('the build container', () => {
  it("gets the job's proxy variables in both spellings, and the build env over them", async () => {
    const { spec } = await run({
      env: { HTTPS_PROXY: 'http://proxy.corp:3128', no_proxy: 'internal', UNRELATED: 'x' },
      buildEnv: { PIP_INDEX_URL: SECRET_INDEX, no_proxy: 'internal,index.corp' },
    });
    expect(spec?.env).toMatchObject({
      HTTPS_PROXY: 'http://proxy.corp:3128',
      https_proxy: 'http://proxy.corp:3128',
      NO_PROXY: 'internal',
      no_proxy: 'internal,index.corp',
      PIP_INDEX_URL: SECRET_INDEX,
      PREFIX: '/opt',
    });
    expect(spec?.env).not.toHaveProperty('UNRELATED');
    expect(spec?.network).toBeUndefined();
  });

  it('joins the network asked for', async () => {
    expect((await run({ env: {}, buildEnv: {}, network: 'host' })).spec?.network).toBe('host');
  });

  it('redacts build-env values from events, the log file and the error of a failed build', async () => {
    const echoed = `Looking in indexes: ${SECRET_INDEX}`;
    const { events, log, outcome } = await run({
      env: {},
      buildEnv: { PIP_INDEX_URL: SECRET_INDEX },
      lines: [echoed, 'token is tok3n-Secret-99'],
      exitCode: 1,
    });
    const everything = JSON.stringify(events) + log + JSON.stringify(outcome) + String(outcome);
    expect(everything).not.toContain('tok3n-Secret-99');
    expect(log).toContain('Looking in indexes: [redacted]');
    expect(log).toContain('token is [redacted]');
    expect((outcome as { details: string[] }).details.join('\n')).toContain('token is [redacted]');
  });
});
