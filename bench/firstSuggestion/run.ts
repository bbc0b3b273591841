// Time to the first suggestion, in the real VS Code (the integration harness: code-server + Chromium): runs
// test/integration/firstSuggestion.test.ts, which starts the default run on the bundled example N times as
// a first click (no panel open) and N times in the open panel, times each until the panel shows its
// suggestion, and prints the medians, with the CPU the machine spent on each click (all processes, from
// /proc/stat: a busy host moves it far less than the times, so it is the figure a before/after can trust).
// Usage: node out/bench/firstSuggestion/run.js [runs=5] [--against DIR] [--rounds R]
//
// --against DIR: a before/after measured side by side. DIR is another built checkout (e.g. a `git worktree`
// of the older commit, with node_modules and .vscode-test linked, after `npm run build && npx tsc -p .`);
// R rounds (default 4) of one set each, alternating which checkout goes first, so that the machine's load
// falls on both alike.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_RANGE_TEST_CONFIG } from '../../src/core/types';
import type { FirstSuggestionFigures as Figures, FirstSuggestionSample as Sample } from '../../test/integration/support/firstSuggestionFigures';
import { median } from '../support/stats';

const root = resolve(__dirname, '..', '..', '..');
const TARGET_MS = 1000;

/** One VS Code, `runs` pairs, in the checkout at `checkout`; null (and the test's output) when it wrote none. */
function oneSet(checkout: string, runs: number): Figures | null {
  const out = join(checkout, '.vscode-test', 'first-suggestion.json');
  rmSync(out, { force: true });
  const child = spawnSync(process.execPath, [join(checkout, 'out', 'test', 'runAll.js'), 'integration'], {
    cwd: checkout,
    env: { ...process.env, CLR_INTEGRATION_GREP: 'time to the first suggestion', CLR_FIRST_SUGGESTION_RUNS: String(runs), CLR_BENCH_OUT: out },
    encoding: 'utf8',
  });
  try {
    return JSON.parse(readFileSync(out, 'utf8')) as Figures;
  } catch {
    console.error(child.stdout.split('\n').filter((l) => !/Creation of workbench contribution/.test(l)).slice(-40).join('\n'));
    console.error(child.stderr);
    console.error(`the first-suggestion test in ${checkout} wrote no figures`);
    return null;
  }
}

/** The samples of several sets together; a fresh VS Code's first panel is kept apart (see `report`). */
function pooled(sets: Figures[]): { fresh: Sample[]; newPanel: Sample[]; openPanel: Sample[] } {
  return {
    fresh: sets.map((s) => s.newPanel[0]),
    newPanel: sets.flatMap((s) => s.newPanel.slice(1)),
    openPanel: sets.flatMap((s) => s.openPanel),
  };
}

const row = (name: string, xs: number[]) =>
  xs.length ? `| ${name} | ${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)} ms | ${Math.max(...xs).toFixed(0)} ms | ${xs.map((t) => t.toFixed(0)).join(', ')} |` : `| ${name} | — | — | — | (one pair per VS Code: run with ≥ 2) |`;

/** A sample's CPU figure; NaN where it has none (off Linux, or a checkout whose test did not measure it). */
const cpuOf = (s: Sample): number => (typeof s.cpu === 'number' ? s.cpu : NaN);

function report(title: string, sets: Figures[]): { open: number; first: number; openCpu: number; firstCpu: number } {
  const { fresh, newPanel, openPanel } = pooled(sets);
  console.log(`\n${title}\n`);
  console.log('| from the command to | median | min | max | each |\n|---|---|---|---|---|');
  console.log(row('**Run in the open panel**: the suggestion shown', openPanel.map((s) => s.shown)));
  console.log(row("Run in the open panel: the run's result in the extension host", openPanel.map((s) => s.result)));
  console.log(row('**first click** (new panel): the suggestion shown', newPanel.map((s) => s.shown)));
  // The two paths that run side by side on a first click: the worker's run, and the panel's webview coming up.
  console.log(row("first click: the run's result in the extension host", newPanel.map((s) => s.result)));
  console.log(row("first click: the new panel's webview reporting", newPanel.map((s) => s.webview ?? NaN)));
  // What the click cost the machine, all processes together: steadier than the times on a shared host.
  console.log(row('CPU, first click (all processes, to the suggestion shown)', newPanel.map(cpuOf)));
  console.log(row('CPU, Run in the open panel', openPanel.map(cpuOf)));
  // A fresh VS Code's first panel also waits for the workbench's first webview (seconds): apart, not pooled.
  console.log(row("a fresh VS Code's first click (left out above)", fresh.map((s) => s.shown)));
  return {
    open: median(openPanel.map((s) => s.shown)),
    first: median(newPanel.map((s) => s.shown)),
    openCpu: median(openPanel.map(cpuOf)),
    firstCpu: median(newPanel.map(cpuOf)),
  };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const runs = Number(process.argv[2]?.startsWith('--') ? 5 : process.argv[2] ?? 5);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`runs must be a positive integer, got ${process.argv[2]}`);
  const against = option('--against');
  const rounds = Number(option('--rounds') ?? 4);
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds must be a positive integer, got ${option('--rounds')}`);
  const checkouts = against ? [root, resolve(against)] : [root];
  const sets = new Map<string, Figures[]>(checkouts.map((c) => [c, []]));
  const loads = [loadavg()[0]];
  for (let round = 0; round < (against ? rounds : 1); round++) {
    for (const checkout of round % 2 === 0 ? checkouts : [...checkouts].reverse()) {
      const figures = oneSet(checkout, runs);
      if (!figures) return 1;
      sets.get(checkout)?.push(figures);
      loads.push(loadavg()[0]);
    }
  }
  console.log(`\nTime to the first suggestion: the default run on examples/sensors.csv (${DEFAULT_RANGE_TEST_CONFIG.iterations} steps × ${DEFAULT_RANGE_TEST_CONFIG.runs} seeds), from cyclicalLr.runExample to the suggestion shown in the panel, ${runs} pairs per VS Code: the first click (no panel open), then a Run in the open panel ≥ 1.5 s later; ${availableParallelism()} cores, load average (1 min) ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} between sets`);
  if (against) console.log(`${rounds} rounds alternated: this checkout (${root}) and ${checkouts[1]}`);
  const results = checkouts.map((c) => report(against ? `### ${c}` : '', sets.get(c) ?? []));
  const [mine] = results;
  if (against) {
    const [, theirs] = results;
    console.log(`\nratio this / ${checkouts[1]}: Run in the open panel ${(mine.open / theirs.open).toFixed(2)}, first click ${(mine.first / theirs.first).toFixed(2)}`);
    console.log(`CPU ratio this / ${checkouts[1]}: Run in the open panel ${(mine.openCpu / theirs.openCpu).toFixed(2)}, first click ${(mine.firstCpu / theirs.firstCpu).toFixed(2)}`);
  }
  const verdict = (ms: number) => (Number.isNaN(ms) ? 'not measured' : ms <= TARGET_MS ? 'met' : 'NOT met');
  console.log(`\ntarget ≤ ${TARGET_MS} ms (this checkout): Run in the open panel ${verdict(mine.open)}; first click ${verdict(mine.first)}`);
  return 0;
}

process.exitCode = main();
