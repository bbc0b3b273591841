// `clr demo` (npm run demo): a range test on the bundled example dataset, with its suggested bounds and an
// HTML report, to show what the tool does without any data of one's own.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../../core/errors';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig } from '../../core/types';
import { defineFlags, formatHelp, parseArgs } from '../args';
import { writeFileAtomic } from '../../outputs/atomicWrite';
import { CliIO } from '../io';
import { checkOutputPaths } from '../../outputs/outputPaths';
import { writeReport } from '../report';
import { runWithProgress, summaryText } from './rangeTest';

const SPECS = defineFlags({
  out: { kind: { type: 'string' }, description: 'folder for report.html and result.json (default: a folder in the system temp dir)' },
  help: { kind: { type: 'boolean' }, description: 'show this help' },
});

/** The example data: examples/sensors.csv (machine-condition readings), one folder up from the bundle (dist/) or from the repo root. */
const EXAMPLE = 'sensors.csv';

export function findExampleDataset(): string {
  const candidates = [resolve(__dirname, '..', 'examples', EXAMPLE), resolve(process.cwd(), 'examples', EXAMPLE)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new UserError(`the example dataset examples/${EXAMPLE} is missing`, { hint: 'run node examples/make-examples.mjs in the repository' });
  }
  return found;
}

export function demoConfig(dataset: string): RangeTestConfig {
  return { ...DEFAULT_RANGE_TEST_CONFIG, dataset, hidden: [64, 64], autoIterations: true, seed: 0 };
}

export async function runDemo(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, SPECS);
  if (args.flags.help) {
    io.stdout(formatHelp('clr demo [--out folder]', SPECS));
    return 0;
  }
  if (args.positionals.length > 0) throw new UserError(`demo takes no arguments, got '${args.positionals[0]}'`, { hint: 'use clr range-test for your own data' });
  const out = resolve(io.cwd, args.flags.out ?? join(tmpdir(), 'cyclical-lr-demo'));
  const config = demoConfig(findExampleDataset());
  io.stdout(`range test: mlp ${config.hidden.join('-')} on ${config.dataset}, lr ${config.startLr} → ${config.endLr}, ${config.runs} runs in parallel\n`);
  const reportPath = join(out, 'report.html');
  const jsonPath = join(out, 'result.json');
  checkOutputPaths(
    [
      { flag: 'out', path: jsonPath },
      { flag: 'out', path: reportPath },
    ],
    [{ role: 'the example dataset', path: config.dataset }],
  );
  const result = await runWithProgress(config, io);
  writeFileAtomic(jsonPath, JSON.stringify(result, null, 2) + '\n');
  writeReport(reportPath, result);
  io.stdout(summaryText(result));
  io.stdout(`report: ${reportPath}\nresult: ${jsonPath}\n`);
  return 0;
}
