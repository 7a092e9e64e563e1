import { describe, expect, it } from 'vitest';
import { sharedTempDir, tempDir } from '../support/temp-dir.js';
import { runLayerforge, writeTree } from './cli-harness.js';

const shared = sharedTempDir('lf-cli-build-env-');

describe('--build-env', () => {
  it.each(['build', 'test', 'publish', 'pick', 'invoke'])(
    'is an option of %s, with --docker-network',
    async (name) => {
      const out = await runLayerforge([name, '--help'], { cwd: shared.path });
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('--build-env <KEY[=VALUE]>');
      expect(out.stdout).toContain('--docker-network <network>');
    },
  );

  it('refuses a bad name and a name layerforge sets, as bad input, before any build', async () => {
    const bad = await runLayerforge(['build', 'hello', '--build-env', '1BAD=x'], { cwd: shared.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: --build-env: "1BAD" is not a variable name');
    const reserved = await runLayerforge(['build', 'hello', '--build-env', 'JOBS=64'], {
      cwd: shared.path,
    });
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('JOBS is set by layerforge for every build');
  });

  it('warns about a KEY this environment does not set, and a config entry positioned when bad', async () => {
    const unset = await runLayerforge(['build', 'no-such-recipe', '--build-env', 'LF_NOT_SET', '--json'], {
      cwd: shared.path,
      env: {},
    });
    expect(unset.events).toContainEqual(
      expect.objectContaining({ type: 'warning', code: 'build-env-unset' }),
    );
    expect(unset.code).toBe(2);

    const project = await tempDir();
    await writeTree(project, { 'layerforge.config.yaml': 'buildEnv:\n  - OK=1\n  - 2BAD\n' });
    const config = await runLayerforge(['build', 'hello'], { cwd: project });
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('layerforge.config.yaml:3:5');
  });
});
