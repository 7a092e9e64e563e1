import { UserError } from '../errors.js';
import { hasControlCharacter } from '../recipes/schema-values.js';

/** One requirement as pip reads it from a file: the spec and the sha256 hashes it must match. */
export interface PythonRequirement {
  spec: string;
  hashes: string[];
}

/** `name==version` with nothing else: the version pip installs is decided by the file alone. */
export function isPinned(spec: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[A-Za-z0-9.+!_-]+\s*(;.*)?$/.test(spec);
}

/** The requirement as one line of a requirements file, hashes included. */
export function requirementLine(r: PythonRequirement): string {
  return [r.spec, ...r.hashes.map((h) => `--hash=sha256:${h}`)].join(' ');
}

// Options pip would follow to another index, a file or a URL. A dependency file is handed over
// like a recipe and may come from anyone: it must not choose where pip downloads from or which
// host files it reads. A private index is the user's own choice, given with
// --build-env PIP_INDEX_URL=... (its value redacted from all output).
const REFUSED: Record<string, string> = {
  '-i': 'an index URL',
  '--index-url': 'an index URL',
  '--extra-index-url': 'an extra index URL',
  '-f': 'a find-links location',
  '--find-links': 'a find-links location',
  '--trusted-host': 'a trusted host',
  '-e': 'an editable install from a path or a VCS URL',
  '--editable': 'an editable install from a path or a VCS URL',
  '-r': 'another requirements file',
  '--requirement': 'another requirements file',
  '-c': 'a constraints file',
  '--constraint': 'a constraints file',
};

const HASH = /^--hash[= ]sha256:([0-9a-fA-F]{64})$/;

function refuse(file: string, line: number, message: string, hint: string): never {
  throw new UserError(`${file}:${line}: ${message}`, { hint });
}

/**
 * Reads a requirements file's text into requirements. Comments, blank lines and line
 * continuations are understood; `--hash=sha256:...` is kept; options that name an index, a file,
 * a path or a URL are refused (see REFUSED), as are direct references (`pkg @ https://...`).
 */
export function parseRequirementsFile(text: string, file: string): PythonRequirement[] {
  const requirements: PythonRequirement[] = [];
  const physical = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < physical.length; i++) {
    const start = i + 1;
    let line = physical[i] ?? '';
    while (line.endsWith('\\') && i + 1 < physical.length) line = line.slice(0, -1) + ' ' + physical[++i];
    // pip: a comment starts at "#" at the line's start or after whitespace.
    line = line.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (hasControlCharacter(line)) refuse(file, start, 'a control character', 'remove it');
    const words = line.split(/\s+/);
    const first = words[0] ?? '';
    if (first.startsWith('-')) {
      const option = first.split('=')[0] ?? first;
      const what = REFUSED[option];
      const hint =
        option === '-i' || option === '--index-url' || option === '--extra-index-url'
          ? 'give a private index with --build-env PIP_INDEX_URL=<url> (or PIP_EXTRA_INDEX_URL), not in the file'
          : 'list the packages by name and version instead, e.g. numpy==2.1.3';
      refuse(
        file,
        start,
        `${option} (${what ?? 'a pip option'}) is not accepted in a requirements file here`,
        hint,
      );
    }
    if (/^(\.|\/|~)/.test(first) || /^[a-z+]+:\/\//i.test(first) || /\s@\s|^[^;]*@\s*\S+:\/\//.test(line)) {
      refuse(
        file,
        start,
        `"${first}" is a path or URL, not a package from the index`,
        'list the package by name and version; build a local package into a wheel on an index first',
      );
    }
    const specWords: string[] = [];
    const hashes: string[] = [];
    for (let w = 0; w < words.length; w++) {
      const word = words[w] ?? '';
      const joined = word === '--hash' ? `--hash ${words[++w] ?? ''}` : word;
      const hash = HASH.exec(joined);
      if (hash?.[1]) hashes.push(hash[1].toLowerCase());
      else if (word.startsWith('--'))
        refuse(
          file,
          start,
          `the option ${word.split('=')[0]} is not accepted after a requirement`,
          'only --hash=sha256:<hex> is',
        );
      else specWords.push(word);
    }
    const spec = specWords.join(' ');
    if (!/^[A-Za-z0-9]/.test(spec))
      refuse(file, start, `"${spec}" is not a requirement`, 'write e.g. numpy==2.1.3');
    requirements.push({ spec, hashes });
  }
  return requirements;
}
