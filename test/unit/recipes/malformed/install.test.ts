// Malformed recipes, part 3: install (sources, scripts, paths), export and tests.
import { describe, it } from 'vitest';
import { VALID_HEAD, expectInvalidRecipe } from './expect-invalid.js';

const HEAD = `${VALID_HEAD}runtimes: [provided.al2023]
architectures: [x86_64, arm64]
`;
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const BUILD_SH = { 'build.sh': '#!/bin/sh\nmake install PREFIX="$PREFIX"\n' };

describe('malformed recipe: sources', () => {
  it('counts the characters of a short sha256', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  sources:
    - url: https://example.com/lib-1.0.tar.gz
      sha256: e3b0c44298fc
  script: build.sh
`,
      line: 11,
      column: 15,
      path: 'install.sources[0].sha256',
      message: 'expected the sha256 of the file: 64 lowercase hex characters, got "e3b0c44298fc"',
      hint: 'it has 12 characters; run `sha256sum <file>` and copy the first field',
    });
  });

  it('asks for lowercase when the sha256 is uppercase hex', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  sources:
    - url: https://example.com/lib-1.0.tar.gz
      sha256: ${SHA.toUpperCase()}
  script: build.sh
`,
      line: 11,
      column: 15,
      path: 'install.sources[0].sha256',
      message: `expected the sha256 of the file: 64 lowercase hex characters, got "${SHA.toUpperCase()}"`,
      hint: 'write it in lowercase, as sha256sum prints it',
    });
  });

  it('refuses a source with both url and path, at the path', async () => {
    await expectInvalidRecipe({
      files: { ...BUILD_SH, 'lib-1.0.tar.gz': 'not really a tarball' },
      yaml: `${HEAD}install:
  sources:
    - url: https://example.com/lib-1.0.tar.gz
      path: lib-1.0.tar.gz
      sha256: ${SHA}
  script: build.sh
`,
      line: 11,
      column: 13,
      path: 'install.sources[0].path',
      message: 'a source takes url or path, not both',
    });
  });

  it('refuses a source with neither url nor path, at the source', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  sources:
    - sha256: ${SHA}
  script: build.sh
`,
      line: 10,
      column: 7,
      path: 'install.sources[0]',
      message: 'expected url (to download) or path (a file in the recipe folder)',
    });
  });

  it('refuses an ftp URL', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  sources:
    - url: ftp://example.com/lib-1.0.tar.gz
      sha256: ${SHA}
  script: build.sh
`,
      line: 10,
      column: 12,
      path: 'install.sources[0].url',
      message: 'expected an https URL to download the source from, got "ftp://example.com/lib-1.0.tar.gz"',
      hint: 'give the full URL, starting with https://',
    });
  });

  it('refuses sources without a script to build them', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
  sources:
    - url: https://example.com/lib-1.0.tar.gz
      sha256: ${SHA}
`,
      line: 10,
      column: 5,
      path: 'install.sources',
      message: 'sources need a build script to use them',
      hint: 'add `script: build.sh` under install, and the script to the folder',
    });
  });
});

describe('malformed recipe: scripts and paths', () => {
  it('refuses a script that is not in the recipe folder', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
  script: build.sh
`,
      line: 9,
      column: 11,
      path: 'install.script',
      message: 'script "build.sh" does not exist in the recipe folder',
      hint: 'create ',
    });
  });

  it('refuses an absolute script path', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
  script: /opt/build.sh
`,
      line: 9,
      column: 11,
      path: 'install.script',
      message:
        'expected a path relative to the recipe folder, not absolute and without "..", got "/opt/build.sh"',
      hint: 'the recipe folder is mounted read-only at /recipe: name files relative to it, e.g. build.sh',
    });
  });

  it('refuses a source path that climbs out with ..', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  sources:
    - path: ../shared/lib-1.0.tar.gz
      sha256: ${SHA}
  script: build.sh
`,
      line: 10,
      column: 13,
      path: 'install.sources[0].path',
      message:
        'expected a path relative to the recipe folder, not absolute and without "..", got "../shared/lib-1.0.tar.gz"',
      hint: 'a recipe may only use files inside its own folder',
    });
  });

  it('refuses a per-OS script for an OS it does not know', async () => {
    await expectInvalidRecipe({
      files: BUILD_SH,
      yaml: `${HEAD}install:
  script:
    al2023: build.sh
    alpine: build.sh
`,
      line: 11,
      column: 5,
      path: 'install.script.alpine',
      message: 'unknown field "alpine"',
      hint: 'allowed here: al2, al2023, debian12',
    });
  });
});

describe('malformed recipe: install as a whole', () => {
  it('refuses an install with nothing in it', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install: {}
`,
      line: 8,
      column: 10,
      path: 'install',
      message: 'expected at least one of python, node, packages, sources or script',
    });
  });

  it('refuses an install key with no value', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
tests: []
`,
      line: 8,
      column: 9,
      path: 'install',
      message:
        'expected a mapping with at least one of python, node, packages, sources or script, got an empty value',
      hint: '"install:" has no value: give it one',
    });
  });

  it('refuses Python requirements for a layer with no Python runtime', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [nodejs20.x]
architectures: [x86_64]
install:
  python:
    requirements: [six]
`,
      line: 10,
      column: 5,
      path: 'install.python',
      message: 'python requirements need a python runtime',
      hint: 'add one to runtimes, e.g. python3.12',
    });
  });
});

describe('malformed recipe: export and tests', () => {
  it('asks for an absolute build-container path in export.data[].from', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
  packages: { al2023: [proj] }
export:
  data:
    - from: usr/share/proj
      to: share/proj
`,
      line: 12,
      column: 13,
      path: 'export.data[0].from',
      message: 'expected an absolute path in the build container, e.g. /usr/share/proj, got "usr/share/proj"',
      hint: 'write the full path in the build container, e.g. /usr/share/proj',
    });
  });

  it('asks for a layer path relative to /opt in export.data[].to', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
  packages: { al2023: [proj] }
export:
  data: [{ from: /usr/share/proj, to: /opt/share/proj }]
`,
      line: 11,
      column: 39,
      path: 'export.data[0].to',
      message:
        'expected a folder in the layer relative to /opt, not absolute and without "..", got "/opt/share/proj"',
      hint: 'the layer is extracted to /opt: write share/proj',
    });
  });

  it('asks for a list of mappings when tests is a string', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
  packages: { al2023: [jq] }
tests: jq --version
`,
      line: 10,
      column: 8,
      path: 'tests',
      message: 'expected a list of smoke tests, each with run, got a string ("jq --version")',
      hint: 'write a list of mappings, e.g. tests: [{ run: "mytool --version" }]',
    });
  });

  it('refuses a test whose expect is not a regular expression', async () => {
    await expectInvalidRecipe({
      yaml: `${HEAD}install:
  packages: { al2023: [jq] }
tests:
  - run: jq --version
    expect: '^jq-(1\\.'
`,
      line: 12,
      column: 13,
      path: 'tests[0].expect',
      message: `expected a valid regular expression, got '^jq-(1\\.'`,
    });
  });
});
