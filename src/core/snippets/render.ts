// Placeholders: code is written with marker tokens for numbers, then rendered plain or as VS Code snippet
// syntax, where each number is a tab stop (`${1:0.001}`, repeated numbers share a stop) and every other `$`, `}`
// and `\` is escaped.

import { formatNumber } from '../pythonNumbers';

const OPEN = '\u0000';
const CLOSE = '\u0001';

export class Numbers {
  private readonly values = new Map<string, string>();
  /** A number that becomes a tab stop; the same name twice is the same stop (VS Code mirrors it). */
  n(name: string, value: number | string): string {
    this.values.set(name, typeof value === 'number' ? formatNumber(value) : value);
    return `${OPEN}${name}${CLOSE}`;
  }
  render(template: string, asSnippet: boolean): string {
    const order: string[] = [];
    const parts = template.split(OPEN);
    let out = asSnippet ? escapeSnippet(parts[0]) : parts[0];
    for (const part of parts.slice(1)) {
      const end = part.indexOf(CLOSE);
      const name = part.slice(0, end);
      const rest = part.slice(end + 1);
      const value = this.values.get(name) ?? '';
      if (asSnippet) {
        if (!order.includes(name)) order.push(name);
        out += `\${${order.indexOf(name) + 1}:${escapeSnippet(value)}}` + escapeSnippet(rest);
      } else {
        out += value + rest;
      }
    }
    return out;
  }
}

/** Escapes text for VS Code snippet syntax: `$`, `}` and `\` are literal only when backslash-escaped. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}
