import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../../src/core/base-images/image-presence.js';
import { inputsDigest } from '../../../src/core/builder/cache.js';
import { imageIdentity } from '../../../src/core/builder/image-identity.js';
import { tempDir } from '../../support/temp-dir.js';

let recipeDir: string;

beforeEach(async () => {
  recipeDir = join(await tempDir('layerforge-identity-'), 'recipe');
  await mkdir(recipeDir);
  await writeFile(join(recipeDir, 'recipe.yaml'), 'name: demo\nversion: 1.0.0\n');
});

const keyFor = (build: ImageRecord, runtime: ImageRecord, source: 'registry' | 'definition') =>
  inputsDigest({
    recipeDir,
    buildImage: imageIdentity(build, source),
    runtimeImage: imageIdentity(runtime, source),
    runtime: 'python3.11',
    arch: 'x86_64',
    base: source === 'registry' ? 'lambda' : 'debian12',
    options: { prune: 'safe' },
  });

const standIn = (kind: string, id: string): ImageRecord => ({
  reference: `layerforge/debian12-${kind}:0123456789abcdef-x86_64`,
  id,
  arch: 'x86_64',
});

const official = (kind: string, id: string, digest?: string): ImageRecord => ({
  reference: `aws/sam-${kind}-python3.12:latest-x86_64`,
  id,
  arch: 'x86_64',
  ...(digest ? { digest: `aws/sam-${kind}-python3.12@sha256:${digest}` } : {}),
});

describe('the images in the cache key', () => {
  it('name a stand-in by its definition: rebuilt on another machine (new image ids), the key stays', async () => {
    const here = await keyFor(standIn('build', 'sha256:aaa'), standIn('runtime', 'sha256:bbb'), 'definition');
    const there = await keyFor(
      standIn('build', 'sha256:ccc'),
      standIn('runtime', 'sha256:ddd'),
      'definition',
    );
    expect(there).toBe(here);
  });

  it('give a stand-in with another definition (another tag) another key', async () => {
    const here = await keyFor(standIn('build', 'sha256:aaa'), standIn('runtime', 'sha256:bbb'), 'definition');
    const changed = {
      ...standIn('build', 'sha256:aaa'),
      reference: 'layerforge/debian12-build:fedcba9876543210-x86_64',
    };
    expect(await keyFor(changed, standIn('runtime', 'sha256:bbb'), 'definition')).not.toBe(here);
  });

  it('name an official image by its registry digest, not by the local image id', async () => {
    const here = await keyFor(
      official('build', 'sha256:1', 'd1'),
      official('runtime', 'sha256:2', 'd2'),
      'registry',
    );
    const sameDigestOtherId = await keyFor(
      official('build', 'sha256:9', 'd1'),
      official('runtime', 'sha256:8', 'd2'),
      'registry',
    );
    expect(sameDigestOtherId).toBe(here);
    const newPush = await keyFor(
      official('build', 'sha256:1', 'e1'),
      official('runtime', 'sha256:2', 'd2'),
      'registry',
    );
    expect(newPush).not.toBe(here);
  });

  it('fall back to the local image id for an official name with no registry digest, marked local', () => {
    expect(imageIdentity(official('build', 'sha256:1'), 'registry')).toBe('local sha256:1');
    expect(imageIdentity(official('build', 'sha256:1', 'd1'), 'registry')).toBe(
      'registry aws/sam-build-python3.12@sha256:d1',
    );
    expect(imageIdentity(standIn('build', 'sha256:1'), 'definition')).toBe(
      'definition layerforge/debian12-build:0123456789abcdef-x86_64',
    );
  });
});
