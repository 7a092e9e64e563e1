import { describe, expect, it } from 'vitest';
import { sourceFilename } from '../../../src/core/builder/sources.js';
import { nameAndVersion, sourceArchives } from '../../../src/core/sbom/source-archives.js';

describe('source archives', () => {
  it.each([
    ['openssl-3.0.15.tar.gz', { name: 'openssl', version: '3.0.15' }],
    ['R-4.4.2.tar.gz', { name: 'R', version: '4.4.2' }],
    ['hello-1.0.0.tar.gz', { name: 'hello', version: '1.0.0' }],
    ['libjpeg-turbo-3.0.4.tar.gz', { name: 'libjpeg-turbo', version: '3.0.4' }],
    ['ImageMagick-7.1.1-41.tar.xz', { name: 'ImageMagick', version: '7.1.1-41' }],
    ['zstd_v1.5.6.tgz', { name: 'zstd', version: '1.5.6' }],
    ['patches.tar.gz', { name: 'patches' }],
  ])('%s is %j', (file, expected) => {
    expect(nameAndVersion(file)).toEqual(expected);
  });

  it("records the sources for the build's OS with URL (without credentials) or path, and sha256", () => {
    const sha = (c: string) => c.repeat(64);
    const records = sourceArchives(
      [
        { url: 'https://user:pw@src.invalid/dl/openssl-3.0.15.tar.gz', sha256: sha('a') },
        { path: 'hello-1.0.0.tar.gz', sha256: sha('b') },
        { url: 'https://src.invalid/al2-only-2.0.tar.gz', sha256: sha('c'), os: ['al2'] },
      ],
      'debian12',
      sourceFilename,
    );
    expect(records).toEqual([
      {
        name: 'hello',
        version: '1.0.0',
        file: 'hello-1.0.0.tar.gz',
        path: 'hello-1.0.0.tar.gz',
        sha256: sha('b'),
      },
      {
        name: 'openssl',
        version: '3.0.15',
        file: 'openssl-3.0.15.tar.gz',
        url: 'https://src.invalid/dl/openssl-3.0.15.tar.gz',
        sha256: sha('a'),
      },
    ]);
  });
});
