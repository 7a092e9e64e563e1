import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runLayerforge, tempDir, writeTree } from './cli-harness.js';

let cwd: string;
beforeAll(async () => {
  cwd = await tempDir();
});
afterAll(async () => removeDir(cwd));

describe('--build-env', () => {
  it.each(['build', 'test', 'publish', 'pick', 'invoke'])(
    'is an option of %s, with --docker-network',
    async (name) => {
      const out = await runLayerforge([name, '--help'], { cwd });
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('--build-env <KEY[=VALUE]>');
      expect(out.stdout).toContain('--docker-network <network>');
    },
  );

  it('refuses a bad name and a name layerforge sets, as bad input, before any build', async () => {
    const bad = await runLayerforge(['build', 'hello', '--build-env', '1BAD=x'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: --build-env: "1BAD" is not a variable name');
    const reserved = await runLayerforge(['build', 'hello', '--build-env', 'JOBS=64'], { cwd });
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('JOBS is set by layerforge for every build');
  });

  it('warns about a KEY this environment does not set, and a config entry positioned when bad', async () => {
    const unset = await runLayerforge(['build', 'no-such-recipe', '--build-env', 'LF_NOT_SET', '--json'], {
      cwd,
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
    await removeDir(project);
  });
});
