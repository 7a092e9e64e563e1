import parseSpdx from 'spdx-expression-parse';

/** True when `text` is an SPDX licence expression (`MIT`, `BSD-3-Clause OR Apache-2.0`). */
export function isSpdxExpression(text: string): boolean {
  try {
    parseSpdx(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Trove classifiers and short licence texts that name exactly one SPDX licence. "BSD License"
 * or "Apache Software License" name a family, not a licence: they stay text.
 */
const KNOWN: Record<string, string> = {
  'mit license': 'MIT',
  mit: 'MIT',
  'isc license (iscl)': 'ISC',
  'isc license': 'ISC',
  'python software foundation license': 'PSF-2.0',
  'mozilla public license 2.0 (mpl 2.0)': 'MPL-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license, version 2.0': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache software license 2.0': 'Apache-2.0',
  'bsd 3-clause license': 'BSD-3-Clause',
  'bsd 3-clause': 'BSD-3-Clause',
  'new bsd license': 'BSD-3-Clause',
  'bsd 2-clause license': 'BSD-2-Clause',
  'the unlicense (unlicense)': 'Unlicense',
  'zlib/libpng license': 'Zlib',
  'gnu general public license v2 (gplv2)': 'GPL-2.0-only',
  'gnu general public license v3 (gplv3)': 'GPL-3.0-only',
  'gnu lesser general public license v3 (lgplv3)': 'LGPL-3.0-only',
  'gnu library or lesser general public license (lgpl)': 'LGPL-2.0-or-later',
};

/** An SPDX id for a short licence name, when it names exactly one; else undefined. */
export function spdxFor(name: string): string | undefined {
  const text = name.trim();
  if (text === '') return undefined;
  if (isSpdxExpression(text)) return text;
  return KNOWN[text.toLowerCase()];
}

/**
 * A wheel's licence from its metadata: `License-Expression` (PEP 639), then a `License` field
 * that is a name rather than the licence's whole text, then the classifiers (several are
 * alternatives). An SPDX expression where one is known, else the short text; undefined when
 * the metadata says nothing usable.
 */
export function pythonLicence(fields: {
  licenseExpression?: string;
  license?: string;
  classifiers: string[];
}): string | undefined {
  if (fields.licenseExpression?.trim()) return fields.licenseExpression.trim();
  const firstLine = fields.license?.trim().split('\n')[0]?.trim() ?? '';
  const shortText = firstLine.length > 0 && firstLine.length <= 80 && !/^copyright/i.test(firstLine);
  const fromField = shortText ? spdxFor(firstLine) : undefined;
  if (fromField) return fromField;
  const named = fields.classifiers
    .filter((c) => c.startsWith('License :: '))
    .map((c) => c.split(' :: ').at(-1) ?? '')
    .filter((name) => name !== '' && name !== 'OSI Approved');
  const ids = [...new Set(named.map((name) => spdxFor(name)))];
  if (named.length > 0 && ids.every((id) => id !== undefined)) return ids.join(' OR ');
  if (shortText && fields.license && !fields.license.trim().includes('\n')) return firstLine;
  return named.length > 0 ? [...new Set(named)].join(' OR ') : undefined;
}

/** An npm package.json's `license` (a string, or the old `{ type }` object). */
export function npmLicence(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (value && typeof value === 'object' && 'type' in value && typeof value.type === 'string')
    return value.type.trim() || undefined;
  return undefined;
}
