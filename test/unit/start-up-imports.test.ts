// What each command loads before it runs: the modules its bundle chunk imports statically (a
// dynamic import is loaded only when its branch runs). Issue 17's start-up goals depend on these
// staying out: the YAML parser on a precompiled hit, the AWS SDK, archiver, ink and dockerode on a
// cache hit.
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
// @ts-expect-error: a plain .mjs script without types; its options are esbuild's BuildOptions.
import { bundleOptions as untyped } from '../../scripts/bundle-options.mjs';
import type { BuildOptions } from 'esbuild';
import { requireBuiltCli } from '../support/built-cli.js';
import { tempDir } from '../support/temp-dir.js';

const bundleOptions = untyped as BuildOptions;

/** The source modules loaded when `entry` (a compiled file under lib/) is imported. */
function staticClosure(meta: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry, 'lib/cli.js'];
  for (let input = queue.pop(); input !== undefined; input = queue.pop()) {
    if (seen.has(input)) continue;
    seen.add(input);
    for (const i of meta.inputs[input]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) queue.push(i.path);
  }
  return [...seen];
}

const packagesIn = (inputs: string[]) =>
  new Set(inputs.flatMap((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i)?.[1] ?? []));

describe('what a command loads at start-up', () => {
  requireBuiltCli();
  const meta = build({
    ...bundleOptions,
    absWorkingDir: packageRoot,
    write: false,
    metafile: true,
    sourcemap: false,
  }).then((r) => r.metafile);

  it('list loads none of the YAML parser, zod, semver, the engine client, the AWS SDK or ink', async () => {
    const loaded = packagesIn(staticClosure(await meta, 'lib/commands/list.js'));
    expect(loaded).toContain('commander');
    for (const heavy of [
      'yaml',
      'zod',
      'semver',
      'dockerode',
      '@aws-sdk/client-s3',
      '@smithy/core',
      'ink',
      'react',
    ])
      expect(loaded).not.toContain(heavy);
    // Nor the recipe and config schemas, whose zod objects are built as their modules load: the
    // bundled recipes come validated from the precompiled table, and most projects have no config.
    for (const schema of ['lib/core/recipes/schema.js', 'lib/core/config-schema.js'])
      expect(staticClosure(await meta, 'lib/commands/list.js')).not.toContain(schema);
  });

  it("build loads what a cache hit uses, not the YAML parser, zod, semver, the remote cache's AWS SDK, archiver or ink", async () => {
    const loaded = packagesIn(staticClosure(await meta, 'lib/commands/build.js'));
    expect(loaded).toContain('commander');
    // semver is required when a name has several versions or a range is given (semver-on-demand.ts).
    // zod loads with a schema, and a hit builds none: its recipe and base come from the
    // precompiled table, and a stamped cache entry's manifest is read without one (cache.ts).
    for (const heavy of [
      'yaml',
      'zod',
      'semver',
      '@aws-sdk/client-s3',
      '@smithy/core',
      'archiver',
      'glob',
      'ink',
      'react',
    ])
      expect(loaded).not.toContain(heavy);
    const closure = staticClosure(await meta, 'lib/commands/build.js');
    expect(closure).not.toContain('lib/core/recipes/schema.js');
    // Host programs (debootstrap, the package fetcher) run only when a base image is missing:
    // their module, and child_process behind it, load then.
    expect(closure).not.toContain('lib/core/process.js');
  });

  it('a cache hit loads neither zod, nor the tar, zip, TOML, licence or glob parsers', async () => {
    const hit = ['build', 'build-run', 'build-options'].map((c) => `lib/commands/${c}.js`);
    const engine = ['docker-engine', 'docker-connection', 'docker-endpoint'].map(
      (m) => `lib/core/engine/${m}.js`,
    );
    const graph = await meta;
    const loaded = packagesIn([...hit, ...engine].flatMap((entry) => staticClosure(graph, entry)));
    for (const heavy of ['zod', 'tar-stream', 'yauzl', 'smol-toml', 'spdx-expression-parse', 'minimatch'])
      expect(loaded).not.toContain(heavy);
  });

  it("the engine client answers a cache hit's calls without dockerode, docker-modem, ssh2 or gRPC", async () => {
    const loaded = packagesIn(staticClosure(await meta, 'lib/core/engine/docker-engine.js'));
    for (const heavy of ['dockerode', 'docker-modem', 'ssh2', '@grpc/grpc-js', 'protobufjs'])
      expect(loaded).not.toContain(heavy);
    const connection = packagesIn(staticClosure(await meta, 'lib/core/engine/docker-connection.js'));
    for (const heavy of ['docker-modem', 'ssh2']) expect(connection).not.toContain(heavy);
  });
});

// Node's own modules count too: each costs start-up milliseconds of compiling (crypto about 10 ms,
// child_process with net and dgram behind it about 5 ms under Node 24, against a 45 ms `node -e 0`).
// Output goes to files: a pipe on stdout or stderr would itself load net.
it('the built list loads neither node:crypto, nor child_process, net or dgram, nor fs/promises from Node 22', async () => {
  const bin = requireBuiltCli();
  const dir = await tempDir('lf-builtins-');
  const hook = join(dir, 'loaded.mjs');
  writeFileSync(
    hook,
    `process.on('exit', () => process.stderr.write('\\nloaded ' + JSON.stringify(process.moduleLoadList)));\n`,
  );
  const out = openSync(join(dir, 'out'), 'w');
  const err = openSync(join(dir, 'err'), 'w');
  const run = spawnSync(process.execPath, ['--import', hook, bin, 'list'], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH, TMPDIR: dir },
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  expect(run.status).toBe(0);
  expect(readFileSync(join(dir, 'out'), 'utf8')).toContain('pandas');
  const line = /\nloaded (.*)$/.exec(readFileSync(join(dir, 'err'), 'utf8'))?.[1] ?? '[]';
  const loaded = (JSON.parse(line) as string[]).filter((m) => m.startsWith('NativeModule '));
  expect(loaded.length).toBeGreaterThan(10);
  for (const unused of ['crypto', 'child_process', 'net', 'dgram'])
    expect(loaded).not.toContain(`NativeModule ${unused}`);
  // Nor FileHandle with readline and watchers behind it (about 3 ms under Node 24): an ESM import of
  // node:fs alone loads them, through fs.promises' getter (scripts/bundle-options.mjs). Node 20's
  // own ESM loader reads every module with fs/promises, so there they load regardless.
  if (Number(process.versions.node.split('.')[0]) >= 22)
    for (const unused of ['internal/fs/promises', 'internal/readline/interface', 'worker_threads'])
      expect(loaded).not.toContain(`NativeModule ${unused}`);
});

// docker-modem requires its ssh transport, and ssh2 with it, as it loads: about 45 ms under Node 20
// and 14 MB of memory on every build that starts a container. The bundle makes that require lazy
// (scripts/bundle-options.mjs); the transport must still reach ssh2 when it is used.
it('the bundled docker-modem loads ssh2 only when its ssh transport is used', async () => {
  const dir = await tempDir('lf-deferred-ssh-');
  const entry = `
    import Modem from 'docker-modem';
    const ssh2 = () => Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]ssh2[\\\\/]/.test(k));
    new Modem({ socketPath: '/nonexistent/docker.sock' });
    const atLoad = ssh2();
    // Port 1 on loopback refuses at once: the transport is made, loads ssh2, and fails to connect.
    const modem = new Modem({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' });
    modem.dial({ path: '/_ping', method: 'GET', statusCodes: { 200: true } }, (error) => {
      console.log(JSON.stringify({ atLoad, afterUse: ssh2(), failed: Boolean(error) }));
    });
  `;
  await build({
    ...bundleOptions,
    entryPoints: undefined,
    outdir: undefined,
    splitting: false,
    sourcemap: false,
    stdin: { contents: entry, resolveDir: packageRoot, sourcefile: 'entry.mjs' },
    outfile: join(dir, 'entry.mjs'),
  });
  // docker-modem's ssh URLs draw Node's DEP0170 warning (the reason for src/core/engine/ssh-dial.ts).
  const run = spawnSync(process.execPath, ['--no-deprecation', join(dir, 'entry.mjs')], {
    env: { PATH: process.env.PATH, NODE_PATH: join(packageRoot, 'node_modules') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ atLoad: false, afterUse: true, failed: true });
});

// esbuild spreads the modules the entry imports statically over some thirty chunks (each module
// goes where the set of entry points sharing it says), and those of each command over as many
// again; scripts/merge-start-up-chunks.mjs makes each a file. Merged, `list` under Node 24 took
// 0.87× the time, and then 0.95×; a pandas cache hit 0.94×, and then, without zod, 0.75×.
describe("the built CLI's chunks", () => {
  const bundle = join(packageRoot, 'lib', 'bundle');
  const localImports = (file: string) =>
    new Set(
      [...readFileSync(join(bundle, file), 'utf8').matchAll(/^import\b[^'"]*['"](\.\/[^'"]+)['"]/gm)].map(
        (m) => m[1],
      ),
    );
  const lazyImports = (file: string) =>
    [...readFileSync(join(bundle, file), 'utf8').matchAll(/\bimport\(['"](\.\/[^'"]+)['"]\)/g)].map(
      (m) => m[1],
    );

  it('the entry imports one chunk of its own, which loads each command on demand', () => {
    requireBuiltCli();
    expect(localImports('cli.js')).toEqual(new Set(['./start-up.js']));
    expect(localImports('start-up.js')).toEqual(new Set());
    expect([...lazyImports('cli.js'), ...lazyImports('start-up.js')]).toEqual(
      expect.arrayContaining(['./list-command.js', './build-command.js', './engine.js']),
    );
  });

  it('list loads one chunk more; a cache hit, the build command and the engine client, and two small ones', () => {
    requireBuiltCli();
    expect(localImports('list-command.js')).toEqual(new Set(['./start-up.js']));
    // The quick read-only commands were merged first, so they do not load the build's chunk:
    // the build loads theirs, for the modules they share.
    expect(localImports('runtimes-command.js')).toEqual(new Set(['./start-up.js', './list-command.js']));
    expect(localImports('build-command.js')).toEqual(
      new Set(['./start-up.js', './list-command.js', './runtimes-command.js']),
    );
    expect(localImports('engine.js')).toEqual(new Set(['./start-up.js', './build-command.js']));
  });
});
