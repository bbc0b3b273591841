// CSV ingest benchmark: the project's reader vs csv-parse and papaparse on the same generated 100 MB file,
// each run in a fresh child process (so peak RSS is its own), side by side in one run; then `inspect` on a
// 1 GB file for peak RSS. Files go to a temp folder that is removed at the end.
// Usage: node out/bench/csvIngest/run.js [--runs 3] [--mb 100] [--big-mb 1024] [--skip-big]
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../test/support/seededRandom';

type ParserName = 'clr-inspect' | 'clr-open' | 'clr-parse' | 'csv-parse' | 'papaparse';
const PARSERS: ParserName[] = ['clr-inspect', 'clr-open', 'clr-parse', 'csv-parse', 'papaparse'];

interface Measurement {
  parser: ParserName;
  seconds: number;
  /** User + system CPU time: steadier than wall time on a machine shared with other work. */
  cpuSeconds: number;
  rows: number;
  maxRssMb: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

// --- data -------------------------------------------------------------------------------------------


const HEADER = 'f1,f2,f3,f4,f5,f6,f7,f8,count,city,note,label\n';
const CITIES = ['Berlin', 'Lagos', 'Lima', 'Osaka', 'Perth', 'Quebec'];

/** ~100-byte rows: 8 floats of mixed magnitudes, an integer, a category, an occasional quoted text, a class. */
function block(rows: number, next: () => number): string {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let f = 0; f < 8; f++) cells.push(((next() - 0.5) * 10 ** (f % 4)).toFixed(4));
    cells.push(String(Math.floor(next() * 1000)));
    cells.push(CITIES[Math.floor(next() * CITIES.length)]);
    cells.push(next() < 0.1 ? '"a note, with a comma"' : '');
    cells.push(String(Math.floor(next() * 10)));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** Writes a CSV of about `megabytes` MB: a 10 MB block of distinct rows, repeated. */
export function writeCsv(file: string, megabytes: number): void {
  const next = mulberry32(7);
  const chunk = Buffer.from(block(100_000, next));
  const fd = openSync(file, 'w');
  writeSync(fd, HEADER);
  let written = 0;
  while (written < megabytes * 1e6) {
    writeSync(fd, chunk);
    written += chunk.length;
  }
  closeSync(fd);
}

// --- child: one parser over one file ---------------------------------------------------------------

async function runParser(parser: ParserName, file: string): Promise<number> {
  switch (parser) {
    case 'clr-inspect': {
      const { inspectDataset } = await import('../../src/data/index');
      return (await inspectDataset(file)).rows;
    }
    case 'clr-open': {
      const { openDataset } = await import('../../src/data/index');
      return (await openDataset(file)).summary.rows;
    }
    case 'clr-parse': {
      const { CsvParser } = await import('../../src/data/csvParser');
      const { forEachChunk } = await import('../../src/data/files');
      let rows = 0;
      const parser = new CsvParser(0x2c, file, () => {
        rows++;
      });
      await forEachChunk(file, 0, 1 << 20, (chunk) => parser.push(chunk));
      parser.finish();
      return rows - 1;
    }
    case 'csv-parse': {
      const { parse } = await import('csv-parse');
      let rows = 0;
      for await (const record of createReadStream(file).pipe(parse({ from_line: 2 }))) if ((record as string[]).length) rows++;
      return rows;
    }
    case 'papaparse': {
      // papaparse ships no types; this is the part of its API used here.
      interface Papa {
        parse(input: NodeJS.ReadableStream, config: { chunk: (r: { data: unknown[] }) => void; complete: () => void; error: (e: Error) => void }): void;
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const papa = require('papaparse') as Papa;
      let rows = 0;
      await new Promise<void>((resolve, reject) => {
        papa.parse(createReadStream(file), { chunk: (r) => void (rows += r.data.length), complete: resolve, error: reject });
      });
      return rows - 1;
    }
  }
}

async function child(parser: ParserName, file: string): Promise<void> {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const rows = await runParser(parser, file);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ parser, seconds, cpuSeconds, rows, maxRssMb }));
}

function measure(parser: ParserName, file: string): Measurement {
  const out = execFileSync(process.execPath, [__filename, '--child', parser, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Measurement;
}

// --- parent ----------------------------------------------------------------------------------------

function main(): void {
  const runs = flag('runs', 3);
  const megabytes = flag('mb', 100);
  const bigMegabytes = flag('big-mb', 1024);
  const dir = mkdtempSync(join(tmpdir(), 'clr-csv-bench-'));
  try {
    const file = join(dir, 'bench.csv');
    writeCsv(file, megabytes);
    const size = statSync(file).size;
    const byParser = new Map<ParserName, Measurement[]>(PARSERS.map((p) => [p, []]));
    // Interleaved, so that load from other processes on the machine hits every parser alike.
    for (let run = 0; run < runs; run++) for (const p of PARSERS) byParser.get(p)!.push(measure(p, file));
    const rows = new Set(PARSERS.map((p) => byParser.get(p)![0].rows));
    const mbps = (p: ParserName) => size / 1e6 / median(byParser.get(p)!.map((m) => m.seconds));
    const cpuMbps = (p: ParserName) => size / 1e6 / median(byParser.get(p)!.map((m) => m.cpuSeconds));
    console.log(`\nCSV ingest: ${(size / 1e6).toFixed(1)} MB, ${[...rows].join('/')} rows, ${runs} runs each (median), node ${process.version}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
    console.log('\n| reader | MB/s (wall) | MB/s (CPU time) | × csv-parse (CPU) | × papaparse (CPU) | × csv-parse (wall) | peak RSS |\n|---|---|---|---|---|---|---|');
    for (const p of PARSERS) {
      const rss = Math.max(...byParser.get(p)!.map((m) => m.maxRssMb));
      console.log(
        `| ${p} | ${mbps(p).toFixed(1)} | ${cpuMbps(p).toFixed(1)} | ${(cpuMbps(p) / cpuMbps('csv-parse')).toFixed(2)} | ${(cpuMbps(p) / cpuMbps('papaparse')).toFixed(2)} | ${(mbps(p) / mbps('csv-parse')).toFixed(2)} | ${rss.toFixed(0)} MB |`,
      );
    }
    console.log('\nclr-inspect: parse + numbers + whole-file column statistics (what `clr inspect` does);');
    console.log('clr-open: the same plus a 256 MB-budget reservoir sample encoded to Float32 (what a range test loads);');
    console.log('clr-parse: record splitting only; csv-parse and papaparse: records of strings, no number conversion.');
    if (rows.size !== 1) console.log('WARNING: the readers disagree on the row count');

    if (!process.argv.includes('--skip-big')) {
      rmSync(file);
      const big = join(dir, 'big.csv');
      writeCsv(big, bigMegabytes);
      const bigSize = statSync(big).size;
      const m = measure('clr-inspect', big);
      const verdict = m.maxRssMb < 400 ? 'below' : 'ABOVE';
      console.log(`\n${(bigSize / 1e9).toFixed(2)} GB CSV, clr inspect: ${m.rows} rows in ${m.seconds.toFixed(1)} s (${(bigSize / 1e6 / m.seconds).toFixed(0)} MB/s), peak RSS ${m.maxRssMb.toFixed(0)} MB (${verdict} the 400 MB target)`);
      const o = measure('clr-open', big);
      console.log(`${(bigSize / 1e9).toFixed(2)} GB CSV, openDataset (256 MB budget sample): ${o.seconds.toFixed(1)} s, peak RSS ${o.maxRssMb.toFixed(0)} MB`);
    }
    console.log('\nRuns are interleaved over the same file. Wall-clock figures depend on what else the machine runs (see the load');
    console.log('average); CPU-time figures (user + system of each child process) are steadier and are the ones the ratios compare.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main !== module) {
  // Imported (e.g. by a test or a profiler script): expose the generator only.
} else if (process.argv[2] === '--child') {
  child(process.argv[3] as ParserName, process.argv[4]).catch((error: unknown) => {
    process.stderr.write(String(error instanceof Error ? error.message : error) + '\n');
    process.exitCode = 1;
  });
} else {
  main();
}
