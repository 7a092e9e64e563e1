import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import {
  isPinned,
  parseRequirementsFile,
  requirementLine,
} from '../../../src/core/dependencies/requirements-file.js';

const HASH = 'a'.repeat(64);

describe('parseRequirementsFile', () => {
  it('reads specs, comments, continuations, markers and extras', () => {
    const text = [
      '# a comment',
      'numpy==2.2.6  # pinned',
      'psycopg[binary]==3.2.9',
      'orjson>=3.10 ; python_version >= "3.9"',
      `PyYAML==6.0.2 \\`,
      `    --hash=sha256:${HASH}`,
      '',
    ].join('\n');
    expect(parseRequirementsFile(text, 'requirements.txt')).toEqual([
      { spec: 'numpy==2.2.6', hashes: [] },
      { spec: 'psycopg[binary]==3.2.9', hashes: [] },
      { spec: 'orjson>=3.10 ; python_version >= "3.9"', hashes: [] },
      { spec: 'PyYAML==6.0.2', hashes: [HASH] },
    ]);
  });

  it('keeps every --hash, in both spellings, lowercased', () => {
    const text = `bcrypt==4.3.0 --hash=sha256:${'A'.repeat(64)} --hash sha256:${'b'.repeat(64)}`;
    expect(parseRequirementsFile(text, 'r.txt')[0]?.hashes).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
  });

  it.each([
    ['-i https://mirror.invalid/simple', /--index-url|-i \(an index URL\)/],
    ['--index-url https://mirror.invalid/simple', /index URL/],
    ['--extra-index-url https://mirror.invalid/simple', /extra index URL/],
    ['-e ./local', /editable/],
    ['-r other.txt', /another requirements file/],
    ['-c constraints.txt', /constraints file/],
    ['--find-links /tmp/wheels', /find-links/],
    ['./local-package', /path or URL/],
    ['/abs/pkg.whl', /path or URL/],
    ['https://host.invalid/pkg.tar.gz', /path or URL/],
    ['pkg @ https://host.invalid/pkg.whl', /path or URL/],
    ['numpy==2.2.6 --global-option=--evil', /not accepted after a requirement/],
  ])('refuses %j with a UserError naming the line', (line, message) => {
    const run = () => parseRequirementsFile(`ok==1.0\n${line}\n`, 'requirements.txt');
    expect(run).toThrow(UserError);
    expect(run).toThrow(/^requirements\.txt:2: /);
    expect(run).toThrow(message);
  });

  it('points a private index at --build-env', () => {
    try {
      parseRequirementsFile('--extra-index-url https://pypi.internal.invalid/simple', 'r.txt');
      expect.unreachable();
    } catch (error) {
      expect((error as UserError).hint).toMatch(/--build-env PIP_INDEX_URL/);
    }
  });
});

describe('isPinned and requirementLine', () => {
  it.each([
    ['numpy==2.2.6', true],
    ['psycopg[binary]==3.2.9', true],
    ['six==1.17.0 ; python_version >= "3"', true],
    ['numpy>=2', false],
    ['numpy', false],
    ['numpy==2.*', false],
  ])('%s pinned: %s', (spec, pinned) => expect(isPinned(spec)).toBe(pinned));

  it('writes hashes after the spec, as pip reads them', () => {
    expect(requirementLine({ spec: 'six==1.17.0', hashes: [HASH] })).toBe(
      `six==1.17.0 --hash=sha256:${HASH}`,
    );
  });
});
