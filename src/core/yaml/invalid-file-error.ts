import { UserError } from '../errors.js';
import { formatIssue, type PositionedIssue } from './issue.js';

/**
 * A recipe or config file with one or more problems: exit 2, nothing started or written.
 * One problem reads as `error: file:line:col: path: message` plus its hint; several are listed
 * in file order, each with its own hint.
 */
export class InvalidFileError extends UserError {
  readonly issues: PositionedIssue[];
  constructor(issues: PositionedIssue[], schemaFile = 'schema/recipe.schema.json') {
    const [first] = issues;
    const editorHint = `editors check the file as you type with the JSON Schema ${schemaFile}`;
    if (issues.length <= 1 || first === undefined) {
      super(first ? formatIssue(first) : 'invalid file', { hint: first?.hint ?? editorHint });
    } else {
      super(`${first.file} has ${issues.length} problems`, {
        hint: editorHint,
        details: issues.flatMap((i) => [formatIssue(i), ...(i.hint ? [`  hint: ${i.hint}`] : [])]),
      });
    }
    this.name = 'InvalidFileError';
    this.issues = issues;
  }
}
