// Issues in a YAML file and how they print: no YAML parser here, so code that only reports or
// formats issues (and a start-up that reads only precompiled files) does not load one.

/** One problem in a YAML file, positioned for an editor: `file:line:col`. */
export interface PositionedIssue {
  file: string;
  /** 1-based, as editors count. */
  line: number;
  /** 1-based. */
  column: number;
  /** Field path, e.g. `install.sources[0].sha256`; empty for the whole document. */
  path: string;
  message: string;
  hint?: string;
}

/** `file:line:col: path: message`, the form editors and terminals turn into links. */
export function formatIssue(issue: PositionedIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

export type FieldPath = readonly PropertyKey[];

/** A problem found after the schema, at a field whose position is looked up only when reported. */
export interface FieldIssue {
  path: FieldPath;
  message: string;
  hint?: string;
}

// eslint-disable-next-line no-control-regex
const PATH_CONTROL = /[\u0000-\u001f\u007f-\u009f]/gu;

export function formatPath(path: FieldPath): string {
  return (
    path
      .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
      .join('')
      // Keys come from the file: a control character in one is shown, never sent to the terminal.
      .replace(PATH_CONTROL, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)
  );
}
