// Just enough of Python's layout for the insertion planner: lines and their indentation, where a statement ends,
// the blocks that enclose a line, and the file's leading imports. It works on the source with comments and
// string contents blanked (schedulerCallParser), so that nothing inside them is mistaken for code.

import { blankCommentsAndStrings } from '../schedulerCallParser';

export interface SourceLine {
  /** Offset of the line's first character, and of its end (the '\n' or the end of the file). */
  start: number;
  end: number;
  /** Leading whitespace. */
  indent: string;
  /** The code of the line without comments and string contents, trimmed. */
  code: string;
}

export class PythonSource {
  readonly blank: string;
  /** The source without comments, strings kept: argument texts come from here. */
  readonly code: string;
  readonly lines: SourceLine[];

  constructor(readonly text: string) {
    this.blank = blankCommentsAndStrings(text);
    this.code = blankCommentsAndStrings(text, true);
    this.lines = [];
    let start = 0;
    for (const raw of this.blank.split('\n')) {
      const end = start + raw.length;
      const indent = /^[ \t]*/.exec(this.text.slice(start, end))?.[0] ?? '';
      this.lines.push({ start, end, indent, code: raw.trim() });
      start = end + 1;
    }
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lines[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The offset of the bracket closing the one at `open`, or -1. */
  matchingBracket(open: number): number {
    let depth = 0;
    for (let i = open; i < this.blank.length; i++) {
      const c = this.blank[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        depth--;
        if (depth === 0) return i;
      }
    }
    return -1;
  }

  /** The last line of the statement that starts on `line`: brackets balanced and no trailing backslash. */
  statementEndLine(line: number): number {
    let depth = 0;
    for (let l = line; l < this.lines.length; l++) {
      const { start, end } = this.lines[l];
      for (let i = start; i < end; i++) {
        const c = this.blank[i];
        if (c === '(' || c === '[' || c === '{') depth++;
        else if (c === ')' || c === ']' || c === '}') depth--;
      }
      if (depth <= 0 && !this.blank.slice(start, end).trimEnd().endsWith('\\')) return l;
    }
    return this.lines.length - 1;
  }

  /** Offset just past the newline ending line `line` (the start of the next line). */
  afterLine(line: number): number {
    return Math.min(this.lines[line].end + 1, this.text.length);
  }

  /**
   * The headers of the blocks enclosing `line`, innermost first: each a line with less indentation than
   * everything inside it (`for …:`, `if …:`, `def …:`).
   */
  enclosingBlocks(line: number): Array<{ line: number; code: string; indent: string }> {
    const blocks: Array<{ line: number; code: string; indent: string }> = [];
    let width = this.lines[line].indent.length;
    for (let l = line - 1; l >= 0 && width > 0; l--) {
      const candidate = this.lines[l];
      if (!candidate.code || candidate.indent.length >= width) continue;
      // A continuation line of a bracketed statement is not a block header.
      if (!candidate.code.endsWith(':')) continue;
      blocks.push({ line: l, code: candidate.code, indent: candidate.indent });
      width = candidate.indent.length;
    }
    return blocks;
  }

  /** The innermost enclosing `def` header line, or -1 at module level. */
  enclosingFunction(line: number): number {
    return this.enclosingBlocks(line).find((b) => /^(?:async\s+)?def\s/.test(b.code))?.line ?? -1;
  }

  /** Lines (0-based) of the file's leading import statements, and where code after them starts. */
  leadingImports(): { imports: Array<{ first: number; last: number }>; firstCodeLine: number } {
    const imports: Array<{ first: number; last: number }> = [];
    let l = 0;
    let docstringSeen = false;
    while (l < this.lines.length) {
      const line = this.lines[l];
      if (!line.code) {
        l++;
        continue;
      }
      if (line.indent.length > 0) break;
      let last = this.statementEndLine(l);
      const quote = /^[rRuU]?("""|'''|"|')/.exec(line.code);
      if (/^(?:import|from)\s/.test(line.code)) {
        imports.push({ first: l, last });
      } else if (!docstringSeen && imports.length === 0 && quote) {
        docstringSeen = true;
        const open = line.start + line.code.indexOf(quote[1]);
        const close = this.blank.indexOf(quote[1], open + quote[1].length);
        last = close < 0 ? l : this.lineAt(close);
      } else {
        break;
      }
      l = last + 1;
    }
    return { imports, firstCodeLine: l };
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
