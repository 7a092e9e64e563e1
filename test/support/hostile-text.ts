// Text that tries to drive a terminal, and a check that none of it arrived raw. Shared by the
// escape tests of the CLI, the plain reporter and the picker.

export const ESC = '\u001b';
/** Clears the screen. */
export const CLEAR = `${ESC}[2J`;
/** Sets the window title: the classic OSC injection. */
export const TITLE = `${ESC}]0;owned\u0007`;
/** U+009B is a one-character CSI on terminals that honour C1 controls. */
export const CSI = '\u009b';
/** Right-to-left override: the rest of the line reads backwards. */
export const RLO = '\u202e';

/** The characters a terminal obeys or reorders; line breaks and tabs are the output's own. */
export function rawControls(text: string): string[] {
  return [...text].filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    if (c === '\n' || c === '\t') return false;
    return (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}
