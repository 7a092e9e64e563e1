import { pythonLicence } from './licence.js';

/** The fields of a wheel's METADATA (core metadata, an RFC 822 header block) the manifest keeps. */
export interface PythonMetadata {
  name: string;
  version: string;
  license?: string;
}

/**
 * Reads the header block of a METADATA file. Continuation lines (a `License` that holds a whole
 * licence text) join their field; the body after the first blank line is the description.
 */
export function parsePythonMetadata(text: string): PythonMetadata | undefined {
  const fields = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (last && last.length > 0) last[last.length - 1] += '\n' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).toLowerCase();
    const values = fields.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    fields.set(key, values);
    last = values;
  }
  const name = fields.get('name')?.[0];
  const version = fields.get('version')?.[0];
  if (!name || !version) return undefined;
  const license = pythonLicence({
    licenseExpression: fields.get('license-expression')?.[0],
    license: fields.get('license')?.[0],
    classifiers: fields.get('classifier') ?? [],
  });
  return { name, version, ...(license ? { license } : {}) };
}

/** PEP 503's normalized project name: how pip's report and a dist-info folder are matched. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
