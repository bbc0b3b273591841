import { isUserError } from '../core/errors';
import { CliIO, CommandRunner, processIO } from './io';
import { runSuggest } from './commands/suggest';
import { runSchedule } from './commands/schedule';
import { runSnippet } from './commands/snippet';
import { runRangeTestCommand } from './commands/rangeTest';
import { runDemo } from './commands/demo';
import { isMainThread } from 'node:worker_threads';
import { runInspect } from './commands/inspect';
import { runInsert } from './commands/insert';

/** Exit codes: 0 success, 1 a bug of ours, 2 a problem with the user's input (one `error:` line). */
export const EXIT_USAGE = 2;

interface Command {
  summary: string;
  run: CommandRunner;
}

// One entry per command; each lives in ./commands/<name>.ts.
const commands: Record<string, Command> = {
  'range-test': { summary: 'learning-rate range test on a dataset (built-in TF.js engine) or a PyTorch model (--pytorch)', run: runRangeTestCommand },
  demo: { summary: 'range test on the bundled example dataset, with an HTML report', run: runDemo },
  inspect: { summary: 'what a dataset looks like to the range test: format, rows, features, target, warnings', run: runInspect },
  suggest: { summary: 'CLR, 1cycle and other finders\' learning rates from a range-test curve (CSV or JSON)', run: runSuggest },
  schedule: { summary: 'learning rate (and momentum) per step, exactly as PyTorch schedules it', run: runSchedule },
  snippet: { summary: 'scheduler code for PyTorch, Lightning, Keras, TensorFlow.js or fastai, with your bounds', run: runSnippet },
  insert: { summary: "put a scheduler into a PyTorch training script: after the optimizer, stepped in the script's loop", run: runInsert },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: clr <command> [options]\n\ncommands:\n${rows.join('\n')}\n\nRun 'clr <command> --help' for a command's options.\n`;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`error: unknown command '${name}': expected one of ${Object.keys(commands).join(', ')}\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (isUserError(error)) {
      io.stderr(`error: ${error.format()}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: internal error in 'clr ${name}': ${message} (please report this)\n`);
    if (process.env.CLR_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
    return 1;
  }
}

// Worker threads of a multi-run range test load this same bundle; only the main thread runs the CLI.
if (require.main === module && isMainThread) {
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}
