import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envName, formatArns, parseArnFormat, pascalCase } from '../../../src/core/publish/arns-format.js';
import type { LockEntry } from '../../../src/core/publish/lock-file.js';

const arn = (region: string, name: string, v: number) =>
  `arn:aws:lambda:${region}:123456789012:layer:${name}:${v}`;
function entry(layerName: string, region: string, layerVersion: number): LockEntry {
  return {
    layerName,
    account: '123456789012',
    recipe: layerName.split('-')[0] ?? null,
    recipeVersion: '1.0.0',
    runtimes: ['python3.12'],
    arch: 'x86_64',
    region,
    layerVersionArn: arn(region, layerName, layerVersion),
    layerVersion,
    sha256: 'f'.repeat(64),
    codeSha256: 'b64',
    inputsDigest: null,
    publishedAt: '2024-01-01T00:00:00.000Z',
    current: true,
  };
}
const entries = [
  entry('numpy-python312-arm64', 'us-east-1', 7),
  entry('pandas-python312-x86_64', 'ap-southeast-2', 3),
  entry('pandas-python312-x86_64', 'us-east-1', 2),
];

describe('arns formats', () => {
  it('names things as each tool wants', () => {
    expect(pascalCase('pandas-python312-x86_64')).toBe('PandasPython312X8664');
    expect(envName('pandas-python312-x86_64', 'us-east-1')).toBe('PANDAS_PYTHON312_X86_64_US_EAST_1');
    expect(envName('7zip', 'us-east-1')).toBe('LAYER_7ZIP_US_EAST_1');
    expect(() => parseArnFormat('xml')).toThrow(/unknown format/);
  });

  it('env', () => {
    expect(formatArns(entries, 'env')).toBe(
      [
        `NUMPY_PYTHON312_ARM64_US_EAST_1=${arn('us-east-1', 'numpy-python312-arm64', 7)}`,
        `PANDAS_PYTHON312_X86_64_AP_SOUTHEAST_2=${arn('ap-southeast-2', 'pandas-python312-x86_64', 3)}`,
        `PANDAS_PYTHON312_X86_64_US_EAST_1=${arn('us-east-1', 'pandas-python312-x86_64', 2)}`,
      ].join('\n'),
    );
  });

  it('sam: a Mappings block keyed by region, valid YAML', () => {
    const text = formatArns(entries, 'sam');
    expect(parse(text)).toEqual({
      Mappings: {
        LayerforgeLayers: {
          'ap-southeast-2': { PandasPython312X8664: arn('ap-southeast-2', 'pandas-python312-x86_64', 3) },
          'us-east-1': {
            NumpyPython312Arm64: arn('us-east-1', 'numpy-python312-arm64', 7),
            PandasPython312X8664: arn('us-east-1', 'pandas-python312-x86_64', 2),
          },
        },
      },
    });
    expect(text).toContain('!FindInMap [LayerforgeLayers, !Ref AWS::Region, NumpyPython312Arm64]');
  });

  it('sam: names that fold to the same key stay apart', () => {
    const text = formatArns([entry('a-b', 'us-east-1', 1), entry('a_b', 'us-east-1', 2)], 'sam');
    expect(
      Object.keys(
        (parse(text) as { Mappings: { LayerforgeLayers: Record<string, object> } }).Mappings.LayerforgeLayers[
          'us-east-1'
        ] ?? {},
      ),
    ).toEqual(['AB', 'AB2']);
  });

  it('terraform: a locals map, layer then region', () => {
    expect(formatArns(entries, 'terraform')).toBe(
      [
        '# Layer versions recorded in layerforge.lock.json by layerforge.',
        '# Use in aws_lambda_function: layers = [local.layerforge_layers["numpy-python312-arm64"][var.region]]',
        'locals {',
        '  layerforge_layers = {',
        '    "numpy-python312-arm64" = {',
        `      "us-east-1" = "${arn('us-east-1', 'numpy-python312-arm64', 7)}"`,
        '    }',
        '    "pandas-python312-x86_64" = {',
        `      "ap-southeast-2" = "${arn('ap-southeast-2', 'pandas-python312-x86_64', 3)}"`,
        `      "us-east-1"      = "${arn('us-east-1', 'pandas-python312-x86_64', 2)}"`,
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('cdk: a typed TypeScript constant', () => {
    const text = formatArns(entries, 'cdk');
    expect(text).toContain('export const layerforgeLayers: Record<string, Record<string, string>> = {');
    expect(text).toContain(
      `  'pandas-python312-x86_64': {\n    'ap-southeast-2': '${arn('ap-southeast-2', 'pandas-python312-x86_64', 3)}',`,
    );
    expect(text.endsWith('};')).toBe(true);
  });

  it('json: the entries without lock-file bookkeeping', () => {
    const parsed = JSON.parse(formatArns(entries, 'json')) as Record<string, unknown>[];
    expect(parsed).toHaveLength(3);
    expect(parsed[0]).toEqual({
      layerName: 'numpy-python312-arm64',
      region: 'us-east-1',
      layerVersionArn: arn('us-east-1', 'numpy-python312-arm64', 7),
      layerVersion: 7,
      recipe: 'numpy',
      recipeVersion: '1.0.0',
      runtimes: ['python3.12'],
      arch: 'x86_64',
      sha256: 'f'.repeat(64),
      publishedAt: '2024-01-01T00:00:00.000Z',
    });
  });
});
