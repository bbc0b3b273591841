// The hostile-input corpus (issue 16): files and flags made to break the CLI, generated here in a temp
// folder. Every case must end with the expected exit code and `error:` line within 10 s of CPU time (and 30 s
// of wall-clock time, so that a hang fails rather than waits; CI machines are shared, so wall time alone
// would be flaky) and 512 MB of peak memory, and must leave every file of its folder as it was.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { npyBytes, tempDir, zipBytes } from '../data/fixtures';

const root = resolve(__dirname, '..', '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const probe = join(root, 'out', 'test', 'support', 'peakMemoryProbe.js');
const MAX_CPU_SECONDS = 10;
const MAX_PEAK_BYTES = 512 * 1024 * 1024;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  cpuSeconds: number;
  peakBytes: number;
}

function clr(args: string[], cwd: string): Outcome {
  const peakFile = join(cwd, '..', `peak-${process.hrtime.bigint()}`);
  const r = spawnSync(process.execPath, ['--require', probe, cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CLR_PEAK_RSS_FILE: peakFile },
  });
  assert.equal(r.error, undefined, `clr ${args.join(' ')} did not finish in 30 s: ${r.error}`);
  assert.ok(existsSync(peakFile), `clr ${args.join(' ')} died without exiting (signal ${r.signal}, code ${r.status}): ${r.stderr.slice(-500)}`);
  const { peakBytes, cpuSeconds } = JSON.parse(readFileSync(peakFile, 'utf8')) as { peakBytes: number; cpuSeconds: number };
  rmSync(peakFile);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cpuSeconds, peakBytes };
}

/** Content hash and mode of every regular file under a folder (pipes and links to devices are left alone). */
function fingerprint(folder: string): Map<string, string> {
  const prints = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) prints.set(p, `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${statSync(p).mode.toString(8)}`);
      else if (e.isSymbolicLink() || e.isFIFO()) prints.set(p, lstatSync(p).mode.toString(8));
    }
  };
  walk(folder);
  return prints;
}

/** ESC, BEL or CSI, raw. */
const hasControl = (text: string): boolean => [...text].some((ch) => ch === '\x1b' || ch === '\x07' || ch === '\x9b');

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

function tableCsv(rows: number): string {
  const lines = ['a,b,label'];
  for (let i = 0; i < rows; i++) lines.push(`${(i * 37) % 101},${(i * 53) % 97},${i % 2 ? 'yes' : 'no'}`);
  return lines.join('\n') + '\n';
}

/** A PNG that is only its signature and an IHDR declaring the given size (a decoder would allocate it all). */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 6, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, Buffer.alloc(80_000)]);
}

/** A JPEG whose start-of-frame declares the given size. */
function jpegHeader(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.alloc(1000)]);
}

/** An end-of-central-directory record alone: 22 bytes. */
function eocd(count: number, directorySize: number, directoryOffset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return end;
}

/** A zip64 end locator pointing at `recordOffset`, then an end record that defers to it. */
function zip64Tail(recordOffset: bigint): Buffer {
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(recordOffset, 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([locator, eocd(0xffff, 0xffffffff, 0xffffffff)]);
}

const labels = (n: number) => npyBytes('<i8', [n], Array.from({ length: n }, (_, i) => i % 2));
const features = (n: number) => npyBytes('<f4', [n, 2], Array.from({ length: 2 * n }, (_, i) => i));

interface Case {
  name: string;
  /** Writes the case's files into `dir`; returns the CLI arguments. */
  setup: (dir: string) => string[];
  code: number;
  /** The `error:` line (exit 2), or something stdout must show (exit 0). */
  expect: RegExp;
  /** Extra checks on the outcome. */
  check?: (outcome: Outcome, dir: string) => void;
}

const cases: Case[] = [
  // ---- data loss: outputs never clobber inputs -------------------------------------------------------
  { name: '--json at the dataset', setup: (d) => (write(d, 'd.csv', tableCsv(50)), ['range-test', 'd.csv', '--json', 'd.csv']), code: 2, expect: /--json: is the dataset of this run/ },
  { name: '--report at the dataset', setup: (d) => (write(d, 'd.csv', tableCsv(50)), ['range-test', 'd.csv', '--report', './d.csv']), code: 2, expect: /--report: is the dataset of this run/ },
  {
    name: '--json at a symbolic link to the dataset',
    setup: (d) => (write(d, 'd.csv', tableCsv(50)), symlinkSync(join(d, 'd.csv'), join(d, 'out.json')), ['range-test', 'd.csv', '--json', 'out.json']),
    code: 2,
    expect: /--json: is the dataset of this run/,
  },
  {
    name: '--json at the companion label file',
    setup: (d) => (write(d, 'X.npy', features(20)), write(d, 'y.npy', labels(20)), ['range-test', 'X.npy', '--json', 'y.npy']),
    code: 2,
    expect: /--json: is the label file of this run/,
  },
  {
    name: '--json at the model file',
    setup: (d) => (write(d, 'd.csv', tableCsv(50)), write(d, 'model.json', '{}'), ['range-test', 'd.csv', '--model', 'model.json', '--json', 'model.json']),
    code: 2,
    expect: /--json: is the model file of this run/,
  },
  {
    name: '--json inside an image-folder dataset',
    setup: (d) => (mkdirSync(join(d, 'img', 'a'), { recursive: true }), ['range-test', 'img', '--json', 'img/a/run.json']),
    code: 2,
    expect: /--json: is inside the dataset/,
  },
  { name: '--pytorch m.py --json m.py', setup: (d) => (write(d, 'm.py', 'model = None\n'), ['range-test', '--pytorch', 'm.py', '--json', 'm.py']), code: 2, expect: /--json: is the Python file of this run/ },
  {
    name: '--json at a read-only file',
    setup: (d) => (write(d, 'd.csv', tableCsv(50)), write(d, 'ro.json', 'keep'), chmodSync(join(d, 'ro.json'), 0o444), ['range-test', 'd.csv', '--json', 'ro.json']),
    code: 2,
    expect: /--json: is a read-only file/,
  },
  {
    name: '--json at a named pipe',
    setup: (d) => (write(d, 'd.csv', tableCsv(50)), mkfifo(join(d, 'out.json')), ['range-test', 'd.csv', '--json', 'out.json']),
    code: 2,
    expect: /--json: is not a regular file/,
  },
  { name: '--json at a folder', setup: (d) => (write(d, 'd.csv', tableCsv(50)), ['range-test', 'd.csv', '--json', '.']), code: 2, expect: /--json: is a folder/ },
  {
    name: '--json below a file',
    setup: (d) => (write(d, 'd.csv', tableCsv(50)), write(d, 'f', 'x'), ['range-test', 'd.csv', '--json', 'f/out.json']),
    code: 2,
    expect: /--json: .*\/f is not a folder/,
  },
  {
    name: '--json over an existing result keeps its mode and is whole',
    setup: (d) => {
      write(d, 'd.csv', tableCsv(200));
      write(d, 'old.json', '{}');
      chmodSync(join(d, 'old.json'), 0o640);
      return ['range-test', 'd.csv', '--model', 'linear', '--iterations', '20', '--json', 'old.json'];
    },
    code: 0,
    expect: /CyclicLR\s+base_lr/,
    check: (_o, d) => {
      assert.equal(statSync(join(d, 'old.json')).mode & 0o777, 0o640);
      assert.equal(JSON.parse(readFileSync(join(d, 'old.json'), 'utf8')).lrs.length, 20);
      assert.deepEqual(readdirSync(d).filter((n) => n.endsWith('.tmp')), []);
    },
  },

  // ---- terminal injection --------------------------------------------------------------------------
  {
    name: 'control characters in column names and cells',
    setup: (d) => (write(d, 'esc.csv', 'a\x1b]0;pwned\x07,b\x9b2J,label\n' + Array.from({ length: 60 }, (_, i) => `${i ? 'x' : 'x\x1b[2J'}${i % 3},${i},${i % 2}`).join('\n') + '\n'), ['inspect', 'esc.csv']),
    code: 0,
    expect: /a\\x1b\]0;pwned\\x07/,
    check: (o) => assert.ok(!hasControl(o.stdout + o.stderr), o.stdout),
  },
  {
    name: 'control characters in an error message',
    setup: () => ['inspect', 'missing\x1b]0;pwned\x07.csv'],
    code: 2,
    expect: /missing\\x1b\]0;pwned\\x07\.csv: no such file/,
    check: (o) => assert.ok(!hasControl(o.stderr), o.stderr),
  },

  // ---- crashes on damaged archives -------------------------------------------------------------------
  {
    name: 'NPZ member declaring shape (1, 10^9)',
    setup: (d) => {
      const huge = Buffer.from(npyBytes('<f8', [1, 2], [0, 0]).toString('latin1').replace('(1, 2)', '(1, 1000000000)'), 'latin1');
      write(d, 'h.npz', zipBytes([{ name: 'x.npy', data: huge }, { name: 'y.npy', data: labels(1) }], true));
      return ['inspect', 'h.npz'];
    },
    code: 2,
    expect: /h\.npz:x: the file is truncated/,
  },
  {
    name: 'NPZ member claiming a size deflate cannot reach',
    setup: (d) => {
      const zip = zipBytes([{ name: 'x.npy', data: features(4) }, { name: 'y.npy', data: labels(4) }], true);
      const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      zip.writeUInt32LE(0xfffffff0, central + 24);
      write(d, 'bomb.npz', zip);
      return ['inspect', 'bomb.npz'];
    },
    code: 2,
    expect: /bomb\.npz: the archive is damaged .*claims 4294967280 bytes/,
  },
  { name: '22-byte NPZ whose directory claims 4 GB', setup: (d) => (write(d, 'e.npz', eocd(1, 0xfffffff0, 0)), ['inspect', 'e.npz']), code: 2, expect: /e\.npz: the archive is damaged .*directory claims/ },
  {
    name: 'zip64 locator pointing past the end',
    setup: (d) => (write(d, 'z.npz', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40), zip64Tail(1n << 40n)])), ['inspect', 'z.npz']),
    code: 2,
    expect: /z\.npz: the archive is damaged .*zip64 record lies beyond/,
  },
  {
    name: 'zip64 locator pointing at garbage',
    setup: (d) => (write(d, 'g.npz', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100), zip64Tail(4n)])), ['inspect', 'g.npz']),
    code: 2,
    expect: /g\.npz: the archive is damaged .*bad zip64 record/,
  },

  // ---- unbounded memory ------------------------------------------------------------------------------
  {
    name: 'PNG declaring 30000×30000 pixels',
    setup: (d) => (mkdirSync(join(d, 'img', 'a'), { recursive: true }), mkdirSync(join(d, 'img', 'b')), write(d, 'img/a/big.png', pngHeader(30000, 30000)), write(d, 'img/b/big.png', pngHeader(30000, 30000)), ['inspect', 'img']),
    code: 2,
    expect: /big\.png: the image declares 30000×30000 pixels, more than the 16,777,216 we decode/,
  },
  {
    name: 'JPEG declaring 65000×65000 pixels',
    setup: (d) => (mkdirSync(join(d, 'img', 'a'), { recursive: true }), mkdirSync(join(d, 'img', 'b')), write(d, 'img/a/big.jpg', jpegHeader(65000, 65000)), write(d, 'img/b/big.jpg', jpegHeader(65000, 65000)), ['inspect', 'img']),
    code: 2,
    expect: /big\.jpg: the image declares 65000×65000 pixels/,
  },
  {
    name: '*.png symbolic link to /dev/zero',
    setup: (d) => (mkdirSync(join(d, 'img', 'a'), { recursive: true }), mkdirSync(join(d, 'img', 'b')), symlinkSync('/dev/zero', join(d, 'img', 'a', 'z.png')), symlinkSync('/dev/zero', join(d, 'img', 'b', 'z.png')), ['inspect', 'img']),
    code: 2,
    expect: /z\.png: not a regular file \(a device\)/,
  },
  {
    name: 'model.json weight path to /dev/zero',
    setup: (d) => {
      write(d, 'd.csv', tableCsv(50));
      mkdirSync(join(d, 'm'));
      symlinkSync('/dev/zero', join(d, 'm', 'w.bin'));
      write(d, 'm/model.json', JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [] }] }));
      return ['range-test', 'd.csv', '--model', 'm/model.json', '--iterations', '5'];
    },
    code: 2,
    expect: /model\.json: model\.json lists the weight file 'w\.bin', which is not a file in the model's folder/,
  },
  {
    name: 'model.json weight path outside its folder',
    setup: (d) => {
      write(d, 'd.csv', tableCsv(50));
      mkdirSync(join(d, 'm'));
      write(d, 'm/model.json', JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../d.csv'], weights: [] }] }));
      return ['range-test', 'd.csv', '--model', 'm/model.json', '--iterations', '5'];
    },
    code: 2,
    expect: /lists the weight file '\.\.\/d\.csv', which is not a file in the model's folder/,
  },
  {
    name: 'one-hot encoding wider than the memory budget',
    setup: (d) => {
      // 30 text columns of 100 categories: 3000 features, 12 KB a row encoded; 25000 rows would take 300 MB.
      const columns = 30;
      const header = [...Array.from({ length: columns }, (_, c) => `t${c}`), 'label'].join(',');
      const body = Array.from({ length: 25_000 }, (_, i) => [...Array.from({ length: columns }, (_, c) => `c${(i + 13 * c) % 100}`), i % 2].join(','));
      write(d, 'wide.csv', [header, ...body].join('\n') + '\n');
      return ['range-test', 'wide.csv', '--model', 'linear', '--iterations', '2', '--batch-size', '8', '--json', '-'];
    },
    code: 0,
    expect: /25000 rows of 3000 encoded features \(one-hot text columns included\) are more than fit in the memory budget: using a uniform random sample of \d+/,
  },
  {
    name: 'Fortran-order NPY with a huge row',
    setup: (d) => {
      write(d, 'X.npy', Buffer.from(npyBytes('<f4', [2, 2], [0, 1, 2, 3], true).toString('latin1').replace('(2, 2)', '(2, 900000000)'), 'latin1'));
      write(d, 'y.npy', labels(2));
      return ['range-test', 'X.npy', '--iterations', '5'];
    },
    code: 2,
    expect: /X\.npy: the file is truncated/,
  },
  { name: '--hidden 20000,20000', setup: (d) => (write(d, 'd.csv', tableCsv(50)), ['range-test', 'd.csv', '--hidden', '20000,20000']), code: 2, expect: /--hidden: 20000 is more than the 8,192 units per layer we allow/ },
  {
    name: 'clr schedule --steps 1e9',
    setup: () => ['schedule', '--policy', 'triangular', '--base-lr', '1e-3', '--max-lr', '1e-2', '--step-size-up', '100', '--steps', '1e9'],
    code: 2,
    expect: /--steps 1e9 is more than the 1,000,000 we list/,
  },
  {
    name: 'clr schedule whose default span is 4e9 steps',
    setup: () => ['schedule', '--policy', 'triangular', '--base-lr', '1e-3', '--max-lr', '1e-2', '--step-size-up', '1000000000'],
    code: 2,
    expect: /spans 4,000,000,000 steps by default, more than the 1,000,000 we list/,
  },
  {
    name: 'clr schedule at its cap lists every step within the bounds',
    setup: () => ['schedule', '--policy', 'one-cycle', '--max-lr', '1e-2', '--steps', '1000000', '--format', 'csv'],
    code: 0,
    expect: /^step,lr,momentum\n0,/,
    check: (o) => assert.match(o.stdout.slice(-100), /\n999999,[^,\n]+,[^,\n]+\n$/),
  },
  { name: '--iterations 1e9', setup: (d) => (write(d, 'd.csv', tableCsv(50)), ['range-test', 'd.csv', '--iterations', '1e9']), code: 2, expect: /--iterations 1e9 is more than the 100,000 we allow/ },
  { name: '--runs 1000', setup: (d) => (write(d, 'd.csv', tableCsv(50)), ['range-test', 'd.csv', '--runs', '1000']), code: 2, expect: /--runs 1000 is more than the 20 we allow/ },
  { name: '--batch-size 1e9', setup: (d) => (write(d, 'd.csv', tableCsv(50)), ['range-test', 'd.csv', '--batch-size', '1e9']), code: 2, expect: /--batch-size 1e9 is more than the 65,536 we allow/ },

  // ---- hangs on named pipes --------------------------------------------------------------------------
  { name: 'a named pipe as the dataset', setup: (d) => (mkfifo(join(d, 'p.csv')), ['inspect', 'p.csv']), code: 2, expect: /p\.csv: not a regular file \(a named pipe\)/ },
  {
    name: 'a named pipe as an image in a class folder',
    setup: (d) => (mkdirSync(join(d, 'img', 'a'), { recursive: true }), mkdirSync(join(d, 'img', 'b')), mkfifo(join(d, 'img', 'a', 'p.png')), mkfifo(join(d, 'img', 'b', 'p.png')), ['inspect', 'img']),
    code: 2,
    expect: /p\.png: not a regular file \(a named pipe\)/,
  },
  { name: 'a named pipe as the companion y.npy', setup: (d) => (write(d, 'X.npy', features(10)), mkfifo(join(d, 'y.npy')), ['inspect', 'X.npy']), code: 2, expect: /y\.npy: not a regular file \(a named pipe\)/ },
  {
    name: 'a named pipe as the IDX label file',
    setup: (d) => {
      const images = Buffer.alloc(4 + 12 + 4 * 16);
      images.set([0, 0, 8, 3]);
      images.writeUInt32BE(4, 4);
      images.writeUInt32BE(4, 8);
      images.writeUInt32BE(4, 12);
      write(d, 'train-images-idx3-ubyte', images);
      mkfifo(join(d, 'train-labels-idx1-ubyte'));
      return ['inspect', 'train-images-idx3-ubyte'];
    },
    code: 2,
    expect: /train-labels-idx1-ubyte: not a regular file \(a named pipe\)/,
  },
  { name: 'a named pipe as --model', setup: (d) => (write(d, 'd.csv', tableCsv(50)), mkfifo(join(d, 'm.json')), ['range-test', 'd.csv', '--model', 'm.json', '--iterations', '5']), code: 2, expect: /m\.json: not a regular file \(a named pipe\)/ },
  { name: 'a named pipe as the curve of clr suggest', setup: (d) => (mkfifo(join(d, 'c.csv')), ['suggest', 'c.csv']), code: 2, expect: /c\.csv: not a regular file \(a named pipe\)/ },

  // ---- unclear errors --------------------------------------------------------------------------------
  {
    name: 'a feature of 1e999',
    setup: (d) => (write(d, 'inf.csv', 'a,b,label\n1,2,0\n3,1e999,1\n' + tableCsv(20).split('\n').slice(1).join('\n')), ['range-test', 'inf.csv', '--iterations', '5']),
    code: 2,
    expect: /inf\.csv:3:3: the number '1e999' is too large/,
  },
  {
    name: 'a JSON Lines value of 1e999',
    setup: (d) => (write(d, 'inf.jsonl', '{"a": 1, "label": 0}\n{"a": 1e999, "label": 1}\n'), ['inspect', 'inf.jsonl']),
    code: 2,
    expect: /inf\.jsonl:2:\d+: the number '1e999' is too large/,
  },
];

function write(dir: string, name: string, content: string | Buffer): void {
  writeFileSync(join(dir, name), content);
}

describe('hostile input (dist/cli.js): clear errors within 10 s and 512 MB, no input changed', function () {
  this.timeout(60_000);
  const base = tempDir('clr-hostile-');
  after(() => rmSync(base, { recursive: true, force: true }));

  cases.forEach((c, i) => {
    it(c.name, () => {
      const dir = join(base, String(i));
      mkdirSync(dir);
      const args = c.setup(dir);
      const before = fingerprint(dir);
      const outcome = clr(args, dir);
      const where = `clr ${args.join(' ')}\nstdout: ${outcome.stdout.slice(-600)}\nstderr: ${outcome.stderr.slice(-600)}`;
      assert.equal(outcome.code, c.code, where);
      if (c.code === 2) {
        const lines = outcome.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `one line on stderr: ${where}`);
        assert.match(lines[0], /^error: /, where);
        assert.doesNotMatch(lines[0], /internal error/, where);
        assert.match(lines[0], c.expect, where);
      } else {
        assert.match(outcome.stdout, c.expect, where);
      }
      assert.ok(outcome.cpuSeconds < MAX_CPU_SECONDS, `took ${outcome.cpuSeconds.toFixed(1)} s of CPU: ${where}`);
      assert.ok(outcome.peakBytes < MAX_PEAK_BYTES, `peak memory ${(outcome.peakBytes / 2 ** 20).toFixed(0)} MB: ${where}`);
      const after = fingerprint(dir);
      for (const [path, print] of before) {
        if (c.code === 0 && c.check && path.endsWith('old.json')) continue; // the output this case overwrites on purpose
        assert.equal(after.get(path), print, `${path} changed: ${where}`);
      }
      c.check?.(outcome, dir);
    });
  });
});
