// Malformed recipes, part 5: values that would reach outside the recipe at build time. Links to
// host files, hostile file names, URLs to the metadata service or with credentials, pip options
// in requirements, export names that climb out of /opt. All refused up front, positioned.
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { VALID_HEAD, expectInvalidRecipe } from './expect-invalid.js';

const HEAD = `${VALID_HEAD}runtimes: [provided.al2023]
architectures: [x86_64]
`;
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const BUILD_SH = { 'build.sh': '#!/bin/sh\nmake install PREFIX="$PREFIX"\n' };

/** A recipe with one source given by `url`, at line 10 column 12. */
function withUrl(url: string): string {
  return `${HEAD}install:
  sources:
    - url: ${url}
      sha256: ${SHA}
  script: build.sh
`;
}

describe('malformed recipe: files that leave the recipe folder', () => {
  it('refuses a script that is a link to /etc/passwd', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:\n  script: build.sh\n`,
      setup: (dir) => symlink('/etc/passwd', join(dir, 'build.sh')),
      line: 9,
      column: 11,
      path: 'install.script',
      message: 'script "build.sh" is a link that leads outside the recipe folder',
      hint: 'a recipe may only use files inside its own folder: copy the file in instead of linking it',
    });
  });

  it('refuses a per-OS script whose folder is a link out of the recipe', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:\n  script:\n    al2023: scripts/passwd\n`,
      setup: (dir) => symlink('/etc', join(dir, 'scripts')),
      line: 10,
      column: 13,
      path: 'install.script.al2023',
      message: 'script "scripts/passwd" is a link that leads outside the recipe folder',
    });
  });

  it('refuses a source path that is a link to /etc/shadow', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  sources:
    - path: lib-1.0.tar.gz
      sha256: ${SHA}
  script: build.sh
`,
      setup: (dir) => symlink('/etc/shadow', join(dir, 'lib-1.0.tar.gz')),
      line: 10,
      column: 13,
      path: 'install.sources[0].path',
      message: 'source file "lib-1.0.tar.gz" is a link that leads outside the recipe folder',
    });
  });

  it('refuses a script that is a folder', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:\n  script: build\n`,
      files: { 'build/x': '' },
      line: 9,
      column: 11,
      path: 'install.script',
      message: 'script "build" is not a regular file',
    });
  });

  it('refuses a source filename ".."', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  sources:
    - url: https://example.com/lib-1.0.tar.gz
      sha256: ${SHA}
      filename: ".."
  script: build.sh
`,
      line: 12,
      column: 17,
      path: 'install.sources[0].filename',
      message: 'expected a plain file name, not "." or ".."',
      hint: 'name the file as it should appear in $SOURCES, e.g. lib-1.0.tar.gz',
    });
  });
});

describe('malformed recipe: source URLs', () => {
  it('refuses the cloud metadata address', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: withUrl('https://169.254.169.254/latest/meta-data/iam/security-credentials/'),
      line: 10,
      column: 12,
      path: 'install.sources[0].url',
      message: 'the URL points at a cloud metadata service',
      hint: 'download from a public https server, or put the file in the recipe folder and use path',
    });
  });

  it('refuses the metadata address written as one decimal number', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: withUrl('https://2852039166/x.tar.gz'),
      line: 10,
      column: 12,
      path: 'install.sources[0].url',
      message: 'the URL points at a cloud metadata service',
    });
  });

  it('refuses a link-local address', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: withUrl('https://169.254.1.1/x.tar.gz'),
      line: 10,
      column: 12,
      path: 'install.sources[0].url',
      message: 'the URL points at a link-local address',
    });
  });

  it('refuses credentials in a URL', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: withUrl('https://deploy:s3cret@example.com/lib-1.0.tar.gz'),
      line: 10,
      column: 12,
      path: 'install.sources[0].url',
      message: 'a URL must not hold credentials: they would be stored in the recipe and printed',
      hint: 'remove the user and password; a recipe is shared, credentials are not',
    });
  });

  it('refuses credentials in the homepage too', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
version: 1.0.0
summary: A recipe with one mistake
license: MIT
homepage: https://user:pw@example.com/broken
runtimes: [provided.al2023]
architectures: [x86_64]
install:
  packages: { al2023: [jq] }
`,
      line: 5,
      column: 11,
      path: 'homepage',
      message: 'a URL must not hold credentials: they would be stored in the recipe and printed',
      hint: 'remove the user and password; a recipe is shared, credentials are not',
    });
  });

  it('refuses plain http to a public host', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: withUrl('http://example.com/lib-1.0.tar.gz'),
      line: 10,
      column: 12,
      path: 'install.sources[0].url',
      message:
        'expected an https URL: plain http can be tampered with on the way, got "http://example.com/lib-1.0.tar.gz"',
      hint: 'write https://example.com/lib-1.0.tar.gz',
    });
  });

  it('refuses loopback unless --allow-local-sources is given', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: withUrl('http://127.0.0.1:8080/lib-1.0.tar.gz'),
      line: 10,
      column: 12,
      path: 'install.sources[0].url',
      message: 'the URL points at this machine (loopback)',
      hint: 'pass --allow-local-sources to download from a local mirror, or use an https URL',
    });
  });
});

describe('malformed recipe: requirements and export names', () => {
  for (const option of ['--index-url=https://evil.example/simple', '--no-binary=:all:', '-r /etc/passwd']) {
    it(`refuses the pip option ${option.split('=')[0]} as a requirement`, async () => {
      await expectInvalidRecipe({
        yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirements: [six, "${option}"]
`,
        line: 10,
        column: 25,
        path: 'install.python.requirements[1]',
        message: `expected a package spec like numpy==2.1.3, not a pip option, got "${option}"`,
        hint: 'a recipe lists packages only: pip options such as a private index never come from a recipe',
      });
    });
  }

  it('refuses a requirement that is a local path', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirements: [/etc]
`,
      line: 10,
      column: 20,
      path: 'install.python.requirements[0]',
      message: 'expected a package spec that starts with the project name, like numpy==2.1.3, got "/etc"',
    });
  });

  for (const [field, value, col] of [
    ['binaries', '../../usr/bin/env', 14],
    ['binaries', '/bin/sh', 14],
    ['libraries', '..', 15],
  ] as const) {
    it(`refuses export.${field} "${value}"`, async () => {
      const what = field === 'binaries' ? 'a program name' : 'a soname';
      await expectInvalidRecipe({
        yaml: `${HEAD}install:
  packages: { al2023: [jq] }
export:
  ${field}: ["${value}"]
`,
        line: 11,
        column: col,
        path: `export.${field}[0]`,
        message: `expected ${what}, without "/" and not "." or ".."`,
        hint:
          field === 'binaries'
            ? 'give the name of a program on the build PATH, e.g. jq; it is copied to /opt/bin'
            : 'give a soname, e.g. libpq.so.5; it is copied to /opt/lib',
      });
    });
  }
});

describe('malformed recipe: version hints', () => {
  it('explains a 20-digit major version instead of suggesting 0.0.0', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
version: 100000000000000000000.0.0
summary: A recipe with one mistake
license: MIT
homepage: https://example.com/broken
runtimes: [provided.al2023]
architectures: [x86_64]
install:
  packages: { al2023: [jq] }
`,
      line: 2,
      column: 10,
      path: 'version',
      message: 'expected a semver version like 1.2.3, got "100000000000000000000.0.0"',
      hint: 'each part of a version is at most 9007199254740991: use the version of what the recipe installs, e.g. 1.0.0',
    });
  });
});
