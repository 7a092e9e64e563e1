import { describe, expect, it } from 'vitest';
import { isSpdxExpression, npmLicence, pythonLicence } from '../../../src/core/sbom/licence.js';
import { parsePipReport, withoutCredentials } from '../../../src/core/sbom/pip-report.js';
import { normalizePythonName, parsePythonMetadata } from '../../../src/core/sbom/python-metadata.js';

// Header blocks shaped like the real wheels': numpy 2.2's License holds the whole licence text,
// pandas 2.3's starts with the licence's name, newer wheels carry PEP 639's License-Expression.
const NUMPY = [
  'Metadata-Version: 2.1',
  'Name: numpy',
  'Version: 2.2.6',
  'License: Copyright (c) 2005-2024, NumPy Developers.',
  '        All rights reserved.',
  '        ',
  '        Redistribution and use in source and binary forms ...',
  'Classifier: License :: OSI Approved :: BSD License',
  'Classifier: Programming Language :: Python :: 3.11',
  'Requires-Python: >=3.10',
  '',
  '<h1>NumPy</h1>',
  'License: GPL (this line is the description, not a header)',
].join('\n');

const PANDAS = [
  'Metadata-Version: 2.1',
  'Name: pandas',
  'Version: 2.3.3',
  'License: BSD 3-Clause License',
  '         ',
  '         Copyright (c) 2008-2011, AQR Capital Management, LLC',
  'Classifier: License :: OSI Approved :: BSD License',
  '',
].join('\n');

describe('wheel metadata', () => {
  it('reads name and version, and stops at the description', () => {
    const numpy = parsePythonMetadata(NUMPY);
    expect(numpy).toMatchObject({ name: 'numpy', version: '2.2.6' });
    // A whole licence text is no name; the classifier names a family, kept as text.
    expect(numpy?.license).toBe('BSD License');
  });

  it("takes a License field's first line when it names one licence", () => {
    expect(parsePythonMetadata(PANDAS)?.license).toBe('BSD-3-Clause');
  });

  it('prefers License-Expression, and maps unambiguous classifiers', () => {
    const text = 'Name: x\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\nLicense: whatever\n\n';
    expect(parsePythonMetadata(text)?.license).toBe('MIT OR Apache-2.0');
    expect(pythonLicence({ classifiers: ['License :: OSI Approved :: MIT License'] })).toBe('MIT');
    expect(
      pythonLicence({
        classifiers: [
          'License :: OSI Approved :: Apache Software License',
          'License :: OSI Approved :: BSD License',
        ],
      }),
    ).toBe('Apache Software License OR BSD License');
    expect(pythonLicence({ license: 'MIT', classifiers: [] })).toBe('MIT');
    expect(pythonLicence({ license: 'Dual License', classifiers: [] })).toBe('Dual License');
    expect(pythonLicence({ classifiers: [] })).toBeUndefined();
  });

  it('refuses metadata without a name or version', () => {
    expect(parsePythonMetadata('Metadata-Version: 2.1\nName: x\n\n')).toBeUndefined();
  });

  it('normalizes names as PEP 503 does', () => {
    expect(normalizePythonName('Python_Dateutil')).toBe('python-dateutil');
    expect(normalizePythonName('zope.interface')).toBe('zope-interface');
  });

  it('tells SPDX expressions from names', () => {
    expect(isSpdxExpression('BSD-3-Clause')).toBe(true);
    expect(isSpdxExpression('(MIT OR Apache-2.0) AND Zlib')).toBe(true);
    expect(isSpdxExpression('BSD License')).toBe(false);
    expect(npmLicence({ type: 'MIT' })).toBe('MIT');
    expect(npmLicence(3)).toBeUndefined();
  });
});

describe("pip's install report", () => {
  const report = JSON.stringify({
    version: '1',
    install: [
      {
        download_info: {
          url: 'https://user:s3cret@index.invalid/packages/numpy-2.2.6-cp311-manylinux_2_17_x86_64.whl',
          archive_info: {
            hash: 'sha256=' + 'a'.repeat(64),
            hashes: { sha256: 'b'.repeat(64) },
          },
        },
        metadata: { name: 'NumPy', version: '2.2.6' },
      },
      {
        download_info: {
          url: 'https://index.invalid/six.whl',
          archive_info: { hash: 'sha256=' + 'c'.repeat(64) },
        },
        metadata: { name: 'six', version: '1.17.0' },
      },
      { metadata: { name: 'local', version: '0.1' } },
    ],
  });

  it('gives each distribution its URL without credentials and its sha256', () => {
    const origins = parsePipReport(report);
    expect(origins.get('numpy')).toEqual({
      url: 'https://index.invalid/packages/numpy-2.2.6-cp311-manylinux_2_17_x86_64.whl',
      sha256: 'b'.repeat(64),
    });
    expect(origins.get('six')?.sha256).toBe('c'.repeat(64));
    expect(origins.get('local')).toEqual({});
  });

  it('reads nothing from a missing or broken report', () => {
    expect(parsePipReport(undefined).size).toBe(0);
    expect(parsePipReport('{not json').size).toBe(0);
    expect(parsePipReport('{"install": 3}').size).toBe(0);
  });

  it('leaves a URL without credentials as it is', () => {
    expect(withoutCredentials('https://index.invalid/simple/')).toBe('https://index.invalid/simple/');
    expect(withoutCredentials('not a url')).toBe('not a url');
  });
});
