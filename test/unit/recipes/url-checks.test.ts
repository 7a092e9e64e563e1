// Source URLs are classified by the host the URL parser normalises, so spelling an address
// another way (decimal, hex, IPv4-mapped IPv6) does not slip past the checks.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRecipe } from '../../../src/core/recipes/catalog.js';
import { hostKind, sourceUrlProblem } from '../../../src/core/recipes/url-checks.js';
import { tempDir } from '../../support/temp-dir.js';

describe('hostKind', () => {
  const cases: [string, ReturnType<typeof hostKind>][] = [
    ['https://169.254.169.254/latest/meta-data/', 'metadata'],
    ['https://2852039166/', 'metadata'],
    ['https://0xa9.0xfe.0xa9.0xfe/', 'metadata'],
    ['https://[::ffff:169.254.169.254]/', 'metadata'],
    ['https://[fd00:ec2::254]/', 'metadata'],
    ['https://metadata.google.internal./computeMetadata/v1/', 'metadata'],
    ['https://169.254.10.20/', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://[::]/', 'unspecified'],
    ['http://127.0.0.1:8080/x', 'loopback'],
    ['http://127.1/x', 'loopback'],
    ['http://[::1]/x', 'loopback'],
    ['http://[::ffff:127.0.0.1]/x', 'loopback'],
    ['http://LOCALHOST/x', 'loopback'],
    ['http://mirror.localhost/x', 'loopback'],
    ['https://example.com/x', 'public'],
    ['https://10.0.0.5/x', 'public'],
    ['https://169.255.0.1/x', 'public'],
  ];
  for (const [url, kind] of cases) {
    it(`${url} is ${kind}`, () => expect(hostKind(new URL(url))).toBe(kind));
  }
});

describe('sourceUrlProblem', () => {
  it('accepts https to a public host, and plain http only on loopback', () => {
    expect(sourceUrlProblem('https://example.com/a.tar.gz')).toBeUndefined();
    expect(sourceUrlProblem('http://127.0.0.1:9/a.tar.gz')).toBeUndefined();
    expect(sourceUrlProblem('http://example.com/a.tar.gz')).toBe(
      'expected an https URL: plain http can be tampered with on the way',
    );
  });

  it('refuses a user name alone, not only user and password', () => {
    expect(sourceUrlProblem('https://token@example.com/a.tar.gz')).toBe(
      'a URL must not hold credentials: they would be stored in the recipe and printed',
    );
  });
});

describe('--allow-local-sources', () => {
  it('lets a loopback source through only when asked', async () => {
    const root = await tempDir('layerforge-local-sources-');
    await mkdir(join(root, 'mirrored'));
    await writeFile(join(root, 'mirrored', 'build.sh'), '#!/bin/sh\n');
    await writeFile(
      join(root, 'mirrored', 'recipe.yaml'),
      `name: mirrored
version: 1.0.0
summary: Built from a local mirror
license: MIT
homepage: https://example.com/mirrored
runtimes: [provided.al2023]
architectures: [x86_64]
install:
  sources:
    - url: http://127.0.0.1:8080/lib-1.0.tar.gz
      sha256: ${'ab'.repeat(32)}
  script: build.sh
`,
    );
    const refused: unknown = await resolveRecipe('mirrored', [root], root).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      message:
        'mirrored/recipe.yaml:10:12: install.sources[0].url: the URL points at this machine (loopback)',
      exitCode: 2,
    });
    const allowed = await resolveRecipe('mirrored', [root], root, { allowLocalSources: true });
    expect(allowed.recipe.install.sources?.[0]?.url).toBe('http://127.0.0.1:8080/lib-1.0.tar.gz');
  });
});
