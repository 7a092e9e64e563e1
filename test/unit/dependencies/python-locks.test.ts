import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parsePipfileLock,
  parsePoetryLock,
  parsePyproject,
  parseUvLock,
} from '../../../src/core/dependencies/python-locks.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples');
const HEX = /^[0-9a-f]{64}$/;

describe('parseUvLock (a lock written by the real uv, examples/uv-project)', () => {
  const requirements = parseUvLock(readFileSync(join(examples, 'uv-project', 'uv.lock'), 'utf8'));

  it('pins the closure of the project, without the project itself', () => {
    expect(requirements.map((r) => r.spec)).toEqual([
      'annotated-types==0.8.0',
      'orjson==3.10.18',
      'pydantic==2.11.7',
      'pydantic-core==2.33.2',
      'typing-extensions==4.16.0',
      'typing-inspection==0.4.5',
    ]);
  });

  it('carries the sha256 of every wheel and the sdist', () => {
    for (const r of requirements) {
      expect(r.hashes.length).toBeGreaterThan(0);
      expect(r.hashes.every((h) => HEX.test(h))).toBe(true);
    }
    expect(requirements.find((r) => r.spec.startsWith('orjson'))?.hashes).toContain(
      '9da552683bc9da222379c7a01779bddd0ad39dd699dd6300abaf43eadee38334',
    );
  });

  it('leaves out dev dependencies and keeps edge markers', () => {
    const lock = `
version = 1
[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "colorama", marker = "sys_platform == 'win32'" }, { name = "six" }]
[package.dev-dependencies]
dev = [{ name = "pytest" }]
[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://index.invalid/simple" }
wheels = [{ url = "https://index.invalid/c.whl", hash = "sha256:${'c'.repeat(64)}" }]
[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://index.invalid/simple" }
wheels = [{ url = "https://index.invalid/s.whl", hash = "sha256:${'d'.repeat(64)}" }]
[[package]]
name = "pytest"
version = "8.0.0"
source = { registry = "https://index.invalid/simple" }
wheels = [{ url = "https://index.invalid/p.whl", hash = "sha256:${'e'.repeat(64)}" }]
`;
    expect(parseUvLock(lock).map((r) => r.spec)).toEqual([
      "colorama==0.4.6 ; (sys_platform == 'win32')",
      'six==1.17.0',
    ]);
  });

  it('refuses a package that does not come from an index', () => {
    const lock = `
[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "local" }]
[[package]]
name = "local"
version = "1.0"
source = { path = "../local" }
`;
    expect(() => parseUvLock(lock)).toThrow(/local comes from path, not a package index/);
  });
});

describe('parsePoetryLock (a lock written by the real Poetry, examples/poetry-project)', () => {
  it('pins the main group with every file hash', () => {
    const requirements = parsePoetryLock(
      readFileSync(join(examples, 'poetry-project', 'poetry.lock'), 'utf8'),
    );
    expect(requirements.map((r) => r.spec)).toEqual(['msgpack==1.1.1', 'pyyaml==6.0.2']);
    expect(requirements.every((r) => r.hashes.length > 10 && r.hashes.every((h) => HEX.test(h)))).toBe(true);
  });

  it('leaves out other groups and keeps markers', () => {
    const lock = `
[[package]]
name = "pytest"
version = "8.0.0"
groups = ["dev"]
files = []
[[package]]
name = "tomli"
version = "2.0.1"
groups = ["main"]
markers = "python_version < \\"3.11\\""
files = [{ file = "tomli.whl", hash = "sha256:${'f'.repeat(64)}" }]
`;
    expect(parsePoetryLock(lock)).toEqual([
      { spec: 'tomli==2.0.1 ; python_version < "3.11"', hashes: ['f'.repeat(64)] },
    ]);
  });
});

describe('parsePipfileLock', () => {
  it('pins the default section with hashes and markers, not develop', () => {
    const lock = JSON.stringify({
      _meta: {},
      default: {
        requests: {
          version: '==2.32.3',
          hashes: [`sha256:${'1'.repeat(64)}`],
          markers: "python_version >= '3.8'",
        },
        Pillow: { version: '==11.3.0', hashes: [`sha256:${'2'.repeat(64)}`], extras: ['xmp'] },
      },
      develop: { pytest: { version: '==8.0.0', hashes: [] } },
    });
    expect(parsePipfileLock(lock)).toEqual([
      { spec: 'pillow[xmp]==11.3.0', hashes: ['2'.repeat(64)] },
      { spec: "requests==2.32.3 ; python_version >= '3.8'", hashes: ['1'.repeat(64)] },
    ]);
  });

  it('refuses an entry without a version (a path or VCS entry)', () => {
    const lock = JSON.stringify({ default: { mine: { path: '.', editable: true } } });
    expect(() => parsePipfileLock(lock)).toThrow(/mine has no version/);
  });
});

describe('parsePyproject', () => {
  it('reads name, version and PEP 621 dependencies', () => {
    const text = `[project]\nname = "svc"\nversion = "1.4.0"\ndependencies = ["orjson>=3", "six==1.17.0"]\n`;
    expect(parsePyproject(text)).toEqual({
      name: 'svc',
      version: '1.4.0',
      requirements: [
        { spec: 'orjson>=3', hashes: [] },
        { spec: 'six==1.17.0', hashes: [] },
      ],
    });
  });

  it('refuses a direct reference to a path or URL', () => {
    const text = `[project]\nname = "svc"\ndependencies = ["mine @ file:///home/me/mine"]\n`;
    expect(() => parsePyproject(text)).toThrow(/path or URL/);
  });

  it('asks for poetry lock when only Poetry-style dependencies are given', () => {
    const text = `[tool.poetry]\nname = "svc"\n[tool.poetry.dependencies]\npython = "^3.11"\n`;
    expect(() => parsePyproject(text)).toThrow(/Poetry's own form/);
  });

  it('reports invalid TOML as a UserError', () => {
    expect(() => parsePyproject('[project\n')).toThrow(/pyproject.toml is not valid TOML/);
  });
});
