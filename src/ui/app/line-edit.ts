import type { Key } from 'ink';

/**
 * Applies one key press to a one-line input: printable text appends, Backspace (which many
 * terminals send as DEL, so ink reports `delete`) removes the last character, Ctrl-U clears.
 * Returns undefined when the key is not an edit, so the caller can treat it as a command.
 */
export function editLine(value: string, input: string, key: Key): string | undefined {
  if (key.backspace || key.delete) return value.slice(0, -1);
  if (key.ctrl && input === 'u') return '';
  if (
    key.ctrl ||
    key.meta ||
    key.return ||
    key.escape ||
    key.tab ||
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow
  ) {
    return undefined;
  }
  // Pasted text arrives as one string; keep its printable characters only.
  const printable = [...input].filter((c) => c >= ' ' && c !== '\x7f').join('');
  return printable.length > 0 ? value + printable : undefined;
}
