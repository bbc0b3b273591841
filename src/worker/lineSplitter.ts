/**
 * Splits a text stream into lines while holding at most `maxLength` characters of an unfinished line: a
 * child process that writes hundreds of megabytes without a newline must not grow our memory. What happens
 * to an overlong line is the caller's choice (`onOverlong` gets what was held, and the rest of that line is
 * passed on in pieces of at most `maxLength`).
 */
export class LineSplitter {
  private partial = '';

  constructor(
    private readonly maxLength: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (piece: string) => void,
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      const line = this.partial + chunk.slice(start, newline);
      this.partial = '';
      start = newline + 1;
      if (line.length > this.maxLength) this.onOverlong(line);
      else this.onLine(line);
    }
    this.partial += chunk.slice(start);
    while (this.partial.length > this.maxLength) {
      this.onOverlong(this.partial.slice(0, this.maxLength));
      this.partial = this.partial.slice(this.maxLength);
    }
  }

  /** The stream ended: an unfinished last line is still a line. */
  end(): void {
    const rest = this.partial;
    this.partial = '';
    if (rest) this.onLine(rest);
  }
}
