import { mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { configBuildEnv, loadConfig, userRecipeDirs } from '../../src/core/config.js';
import { UserError } from '../../src/core/errors.js';
import { InvalidFileError } from '../../src/core/yaml/invalid-file-error.js';
import { writeTree } from '../cli/cli-harness.js';
import { tempDir } from '../support/temp-dir.js';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
  for (const d of ['flag', 'env-a', 'env-b', 'conf']) await mkdir(join(cwd, d));
});

describe('loadConfig', () => {
  it('returns no recipe folders when there is no config file', async () => {
    expect(await loadConfig(cwd)).toEqual({ recipeDirs: [] });
  });

  it('resolves recipeDirs against the config folder and keeps the other settings', async () => {
    await writeTree(cwd, {
      'layerforge.config.yaml': 'recipeDirs: [conf, ./flag]\nbase: debian12\nreserveMB: 20\n',
    });
    const config = await loadConfig(cwd);
    expect(config).toMatchObject({
      recipeDirs: [join(cwd, 'conf'), join(cwd, 'flag')],
      base: 'debian12',
      reserveMB: 20,
    });
    expect(config.file).toBe(join(cwd, 'layerforge.config.yaml'));
  });

  it('positions every problem in the file', async () => {
    await writeTree(cwd, { 'layerforge.config.yaml': 'recipeDirs: [conf]\nreserveMB: -1\n' });
    const error = await loadConfig(cwd).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidFileError);
    expect((error as InvalidFileError).issues).toEqual([
      {
        file: 'layerforge.config.yaml',
        line: 2,
        column: 12,
        path: 'reserveMB',
        message: 'expected a number of MB, 0 or more, got -1',
      },
    ]);
  });
});

describe('userRecipeDirs', () => {
  it('orders flags, then $LAYERFORGE_RECIPES, then the config file', () => {
    const env = { LAYERFORGE_RECIPES: ['env-a', join(cwd, 'env-b')].join(delimiter) };
    expect(userRecipeDirs(['flag'], { recipeDirs: [join(cwd, 'conf')] }, env, cwd)).toEqual(
      ['flag', 'env-a', 'env-b', 'conf'].map((d) => join(cwd, d)),
    );
  });

  it('ignores empty entries in $LAYERFORGE_RECIPES', () => {
    expect(
      userRecipeDirs([], { recipeDirs: [] }, { LAYERFORGE_RECIPES: `${delimiter}env-a${delimiter}` }, cwd),
    ).toEqual([join(cwd, 'env-a')]);
  });

  it('says where a folder that does not exist came from', () => {
    let error: unknown;
    try {
      userRecipeDirs([], { recipeDirs: [] }, { LAYERFORGE_RECIPES: 'gone' }, cwd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('recipe folder gone (from $LAYERFORGE_RECIPES) does not exist');
    expect((error as UserError).exitCode).toBe(2);
  });
});

describe('buildEnv and dockerNetwork', () => {
  it('takes a list like --build-env, or a mapping where no value means the host value', async () => {
    await writeTree(cwd, {
      'layerforge.config.yaml': 'buildEnv: [PIP_INDEX_URL, "PIP_TRUSTED_HOST=a=b"]\ndockerNetwork: host\n',
    });
    const listed = await loadConfig(cwd);
    expect(configBuildEnv(listed)).toEqual(['PIP_INDEX_URL', 'PIP_TRUSTED_HOST=a=b']);
    expect(listed.dockerNetwork).toBe('host');
    await writeTree(cwd, {
      'layerforge.config.yaml': 'buildEnv:\n  PIP_INDEX_URL:\n  PIP_NO_CACHE_DIR: 1\n  X: hello\n',
    });
    expect(configBuildEnv(await loadConfig(cwd))).toEqual(['PIP_INDEX_URL', 'PIP_NO_CACHE_DIR=1', 'X=hello']);
  });

  it('positions a bad entry at its line and column', async () => {
    await writeTree(cwd, { 'layerforge.config.yaml': 'buildEnv:\n  - GOOD\n  - 1BAD=x\n' });
    const listed = (await loadConfig(cwd).catch((e: unknown) => e)) as InvalidFileError;
    expect(listed).toBeInstanceOf(InvalidFileError);
    expect(listed.issues).toEqual([
      expect.objectContaining({
        line: 3,
        column: 5,
        path: 'buildEnv[1]',
        message: expect.stringContaining('expected KEY or KEY=VALUE'),
      }),
    ]);
    await writeTree(cwd, { 'layerforge.config.yaml': 'buildEnv:\n  OK: 1\n  bad-name: x\n' });
    const mapped = (await loadConfig(cwd).catch((e: unknown) => e)) as InvalidFileError;
    expect(mapped.issues).toEqual([
      expect.objectContaining({
        line: 3,
        path: 'buildEnv.bad-name',
        message: '"bad-name" is not a variable name',
      }),
    ]);
  });
});
