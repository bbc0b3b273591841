import { terminalSafe } from './terminalText';

/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  stderrIsTTY: boolean;
  cwd: string;
}

export type CommandRunner = (argv: string[], io: CliIO) => Promise<number>;

/** The real terminal: every byte printed is made terminal-safe first (see terminalText.ts). */
export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(terminalSafe(text)),
    stderr: (text) => process.stderr.write(terminalSafe(text)),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}
