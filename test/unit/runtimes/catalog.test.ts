// The runtime catalog against the facts in docs/lambda-facts.md (AWS's runtime docs): OS and glibc per
// runtime, the paths each runtime searches in a layer, and the official image names.
import { officialImages } from '../../../src/core/base-images/lambda-images.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import {
  ARCHITECTURES,
  architectureInfo,
  closeRuntimeIds,
  getRuntime,
  parseArchitecture,
  runtimeIds,
} from '../../../src/core/runtimes/catalog.js';

const AL2 = [
  'python3.9',
  'python3.10',
  'python3.11',
  'nodejs18.x',
  'java8.al2',
  'java11',
  'java17',
  'ruby3.2',
  'provided.al2',
];
const AL2023 = [
  'python3.12',
  'python3.13',
  'python3.14',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'java21',
  'java25',
  'java8.al2023',
  'java11.al2023',
  'java17.al2023',
  'ruby3.3',
  'ruby3.4',
  'ruby4.0',
  'dotnet8',
  'dotnet10',
  'provided.al2023',
];

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('runtime ids', () => {
  it('holds every current Lambda runtime id, and no others', () => {
    expect([...runtimeIds()].sort()).toEqual([...AL2, ...AL2023].sort());
  });
});

describe('operating system and glibc', () => {
  it.each(AL2)('%s runs on Amazon Linux 2 with glibc 2.26', (id) => {
    expect(getRuntime(id).os).toEqual({ id: 'al2', name: 'Amazon Linux 2', glibc: '2.26' });
  });

  it.each(AL2023)('%s runs on Amazon Linux 2023 with glibc 2.34', (id) => {
    expect(getRuntime(id).os).toEqual({ id: 'al2023', name: 'Amazon Linux 2023', glibc: '2.34' });
  });
});

describe('family and language version', () => {
  it.each([
    ['python3.9', 'python', '3.9'],
    ['python3.14', 'python', '3.14'],
    ['nodejs18.x', 'nodejs', '18'],
    ['nodejs24.x', 'nodejs', '24'],
    ['ruby3.4', 'ruby', '3.4'],
    ['java8.al2', 'java', '8'],
    ['java21', 'java', '21'],
    ['java25', 'java', '25'],
    ['java17.al2023', 'java', '17'],
    ['ruby4.0', 'ruby', '4.0'],
    ['dotnet8', 'dotnet', '8'],
    ['dotnet10', 'dotnet', '10'],
    ['provided.al2023', 'provided', 'al2023'],
  ])('%s is %s %s', (id, family, version) => {
    expect(getRuntime(id)).toMatchObject({ id, family, version });
  });
});

describe('layer paths the runtime searches', () => {
  it('fills the Python version into site-packages', () => {
    expect(getRuntime('python3.12').layerPaths).toEqual([
      'python',
      'python/lib/python3.12/site-packages',
      'bin',
      'lib',
    ]);
    expect(getRuntime('python3.9').layerPaths).toContain('python/lib/python3.9/site-packages');
  });

  it('fills the Node.js major into nodeNN/node_modules', () => {
    expect(getRuntime('nodejs20.x').layerPaths).toEqual([
      'nodejs/node_modules',
      'nodejs/node20/node_modules',
      'bin',
      'lib',
    ]);
    expect(getRuntime('nodejs24.x').layerPaths).toContain('nodejs/node24/node_modules');
  });

  it('fills the Ruby gem folder with the ABI version', () => {
    expect(getRuntime('ruby3.3').layerPaths).toEqual(['ruby/gems/3.3.0', 'ruby/lib', 'bin', 'lib']);
    expect(getRuntime('ruby4.0').layerPaths).toEqual(['ruby/gems/4.0.0', 'ruby/lib', 'bin', 'lib']);
  });

  it('uses java/lib for Java, bootstrap for custom runtimes, and bin/lib for all', () => {
    expect(getRuntime('java17').layerPaths).toEqual(['java/lib', 'bin', 'lib']);
    expect(getRuntime('java17.al2023').layerPaths).toEqual(['java/lib', 'bin', 'lib']);
    expect(getRuntime('provided.al2').layerPaths).toEqual(['bootstrap', 'bin', 'lib']);
    expect(getRuntime('dotnet8').layerPaths).toEqual(['bin', 'lib']);
  });

  it('leaves no template placeholder unfilled in any runtime', () => {
    for (const id of runtimeIds()) expect(getRuntime(id).layerPaths.join(' '), id).not.toMatch(/[{}]/);
  });
});

describe('official images', () => {
  // Compared by suffix: the registry host is configuration, not something tests should spell out.
  it('names SAM build images and runtime images by AWS’s per-arch tags', () => {
    expect(officialImages(getRuntime('python3.12'), 'x86_64').buildImage).toMatch(
      /\/sam\/build-python3\.12:latest-x86_64$/,
    );
    expect(officialImages(getRuntime('provided.al2023'), 'arm64')).toEqual({
      buildImage: expect.stringMatching(/\/sam\/build-provided\.al2023:latest-arm64$/),
      runtimeImage: expect.stringMatching(/\/lambda\/provided:al2023-arm64$/),
    });
    expect(officialImages(getRuntime('java8.al2'), 'x86_64').runtimeImage).toMatch(
      /\/lambda\/java:8\.al2-x86_64$/,
    );
  });

  it.each([
    ['python3.12', '/lambda/python:3.12'],
    ['nodejs20.x', '/lambda/nodejs:20'],
    ['java8.al2', '/lambda/java:8.al2'],
    ['ruby3.2', '/lambda/ruby:3.2'],
    ['dotnet8', '/lambda/dotnet:8'],
    ['provided.al2023', '/lambda/provided:al2023'],
  ])('%s runs on the %s image', (id, suffix) => {
    expect(getRuntime(id).runtimeImage.endsWith(suffix)).toBe(true);
  });

  it('uses one registry host for every image', () => {
    const hosts = new Set(
      runtimeIds().flatMap((id) =>
        Object.values(officialImages(getRuntime(id), 'x86_64')).map((i) => i.split('/')[0]),
      ),
    );
    expect(hosts.size).toBe(1);
  });
});

describe('unknown ids and architectures', () => {
  it('rejects an unknown runtime as bad input, naming the close ids', () => {
    const error = userError(() => getRuntime('python3.1'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('unknown Lambda runtime "python3.1"');
    expect(error.hint).toContain('python3.11');
    expect(error.hint).toContain('python3.12');
  });

  it('finds the close matches of a typo', () => {
    expect(closeRuntimeIds('nodejs20')[0]).toBe('nodejs20.x');
    expect(closeRuntimeIds('pyhton3.12')).toContain('python3.12');
    expect(closeRuntimeIds('ruby')).toEqual(expect.arrayContaining(['ruby3.2', 'ruby3.3', 'ruby3.4']));
  });

  it('knows both architectures with their ELF machine and Docker platform', () => {
    expect(ARCHITECTURES).toEqual(['x86_64', 'arm64']);
    expect(architectureInfo('x86_64')).toMatchObject({ elfMachine: 'x86-64', dockerPlatform: 'linux/amd64' });
    expect(architectureInfo('arm64')).toMatchObject({ elfMachine: 'aarch64', dockerPlatform: 'linux/arm64' });
    expect(parseArchitecture('arm64')).toBe('arm64');
    const error = userError(() => parseArchitecture('amd64'));
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBe('Lambda supports x86_64 and arm64');
  });
});
