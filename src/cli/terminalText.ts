// Text from the user's data (column names, cells, file names, a Python child's output) can hold control
// characters: ESC sequences that retitle the window, clear the screen or move the cursor, BEL, C1 controls,
// bidirectional overrides that reorder what is shown. Everything the CLI prints passes through here, so
// that those reach the terminal as visible escapes (\x1b) instead of acting.

// C0 except tab and newline; DEL; C1; bidi embeddings, overrides and isolates; line/paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  // \xNN for C0 (it never occurs raw in our JSON, which escapes it); \uNNNN elsewhere keeps JSON output valid.
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Escapes control characters. A carriage return is kept only as the first character, where the CLI's own
 * progress line uses it to redraw itself; anywhere else it could hide what precedes it.
 */
export function terminalSafe(text: string): string {
  const leadingReturn = text.startsWith('\r') ? '\r' : '';
  return leadingReturn + text.slice(leadingReturn.length).replace(UNSAFE, escape);
}
