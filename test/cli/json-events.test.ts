// Under --json the commands that stream progress print JSON lines and nothing else, each one a
// member of the LayerforgeEvent union. No Docker and no AWS: the engine is a socket that does
// not exist and AWS a closed loopback port, so the runs fail fast, after their summary record.
// `base build` fails before any record without an engine, so it runs on the fake engine instead,
// called in-process with the context the CLI gives a command.
import { optionValues } from '../../src/commands/options.js';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/command.js';
import { command as baseCommand } from '../../src/commands/base.js';
import { loadBaseImage, type DebootstrapBase } from '../../src/core/base-images/definition.js';
import { rootfsDigest } from '../../src/core/base-images/resolve.js';
import { ExitCode } from '../../src/core/errors.js';
import { ARCHITECTURES } from '../../src/core/runtimes/catalog.js';
import { jsonReporter } from '../../src/ui/plain-reporter.js';
import { terminalJson } from '../../src/ui/terminal-text.js';
import { expectEventLines } from '../support/event-samples.js';
import { FakeEngine } from '../support/fake-engine.js';
import { testJob } from '../support/job-context.js';
import {
  isolateAwsProcessEnv,
  makeLayerZip,
  NOWHERE,
  testAwsEnv,
  type LayerZip,
} from '../support/publish-fixtures.js';
import { sharedTempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

const shared = sharedTempDir('lf-cli-json-');
let scratch: string;
let layer: LayerZip;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = shared.path;
  isolateAwsProcessEnv(scratch);
  layer = await makeLayerZip(join(scratch, 'dist'), 'hello-1.0.0-python3.12-x86_64', {
    files: { 'python/x.py': 'x = 1\n' },
  });
  env = {
    ...testAwsEnv(NOWHERE),
    DOCKER_HOST: `unix://${join(scratch, 'no-docker.sock')}`,
    LAYERFORGE_CACHE_DIR: join(scratch, 'cache'),
  };
});

const run = (args: string[]) => runLayerforge([...args, '--json'], { cwd: scratch, env });

describe('--json prints only members of the event union', () => {
  it('build of a matrix ends with matrix.summary', async () => {
    const out = await run(['build', 'hello', '--base', 'debian12', '--runtime', 'python3.11,python3.12']);
    expect(out.code).toBe(1);
    const events = expectEventLines(out.stdout);
    expect(events.at(-1)?.type).toBe('matrix.summary');
  });

  it('build of one recipe streams its steps', async () => {
    const out = await run(['build', 'hello', '--base', 'debian12']);
    expect(out.code).toBe(1);
    expect(expectEventLines(out.stdout).map((e) => e.type)).toContain('build.step.start');
  });

  it('build --quiet drops the steps and keeps the failure', async () => {
    const out = await run(['build', 'hello', '--base', 'debian12', '--quiet']);
    expect(out.code).toBe(1);
    const types = expectEventLines(out.stdout).map((e) => e.type);
    expect(types).not.toContain('build.step.start');
    expect(out.events).toContainEqual(expect.objectContaining({ type: 'build.step.end', status: 'failed' }));
  });

  it('test streams its steps', async () => {
    const out = await run(['test', 'hello', '--base', 'debian12']);
    expect(out.code).toBe(1);
    expectEventLines(out.stdout);
  });

  it('publish ends with publish.summary', async () => {
    const out = await run(['publish', layer.zipPath, '--region', 'eu-west-1']);
    expect(out.code).toBe(1);
    const events = expectEventLines(out.stdout);
    expect(events.at(-1)?.type).toBe('publish.summary');
  });
});

describe('--json of base build prints only members of the event union', () => {
  it('ends each arch with base.built, naming the images it tagged', async () => {
    const { definition } = await loadBaseImage('debian12');
    const { source } = definition as DebootstrapBase;
    // The root file systems are already loaded, so no debootstrap runs; the fake builds the images.
    const engine = new FakeEngine();
    for (const arch of ARCHITECTURES) {
      const tag = `layerforge/debian12-rootfs:${rootfsDigest(source, arch).slice(0, 16)}-${arch}`;
      engine.images.set(tag, { id: `sha256:rootfs-${arch}`, architecture: arch });
    }
    let stdout = '';
    const write = (text: string) => void (stdout += text);
    const sink = jsonReporter(write);
    // As src/cli.ts builds it for a command run with --json.
    const ctx: CommandContext = {
      stdout: { write },
      stderr: { write: () => {} },
      env,
      cwd: scratch,
      isTTY: false,
      signal: new AbortController().signal,
      json: true,
      quiet: false,
      sink,
      job: testJob({ cwd: scratch, env, sink, engine }),
      print: (line) => write(`${line}\n`),
      printJson: (value) => write(`${terminalJson(value, 2)}\n`),
    };
    const build = baseCommand.subcommands?.find((c) => c.name.startsWith('build '));
    if (!build) throw new Error('base has no build sub-command');
    const options = optionValues(build.options ?? {}, { arch: ['x86_64,arm64'], json: true });
    expect(await build.run(['debian12'], options, ctx)).toBe(ExitCode.ok);

    const events = expectEventLines(stdout);
    // Both arches build at once, so each log line says whose it is.
    const logArches = events.flatMap((e) => (e.type === 'build.log' ? [e.line.split(': ')[0]] : []));
    expect(new Set(logArches)).toEqual(new Set(ARCHITECTURES));
    const built = events.filter((e) => e.type === 'base.built');
    const images = (kind: string, arch: string) =>
      expect.stringMatching(new RegExp(`^layerforge/debian12-${kind}:[0-9a-f]{16}-${arch}$`));
    expect(built).toEqual(
      ARCHITECTURES.map((arch) => ({
        type: 'base.built',
        base: 'debian12',
        arch,
        buildImage: images('build', arch),
        runtimeImage: images('runtime', arch),
      })),
    );
    // The tags it names are the images the engine built (both arches at once, so in any order).
    expect(built.flatMap((e) => [e.buildImage, e.runtimeImage]).sort()).toEqual(
      engine.builds.map((b) => b.tag).sort(),
    );
    expect(events.at(-1)?.type).toBe('base.built');
  });
});
