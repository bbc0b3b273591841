import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileError } from '../../../src/data/files';
import { UserError } from '../../../src/core/errors';
import { idxBytes, imageBytes, npyBytes, tempDir, write, zipBytes } from './fixtures';

const root = resolve(__dirname, '..', '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = tempDir('clr-inspect-');

function clr(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.error, undefined, `clr ${args.join(' ')} did not finish: ${r.error}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A gzip stream without its last 30 bytes (part of the data and the trailer). */
const cutGzip = (bytes: Buffer) => bytes.subarray(0, bytes.length - 30);

const rows = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join('\n') + '\n';

/** Every file under a folder with its hash and modification time, to prove that nothing was written. */
function fingerprint(folder: string): Map<string, string> {
  const prints = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) prints.set(p, `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${statSync(p).mtimeMs}`);
    }
  };
  walk(folder);
  return prints;
}

describe('clr inspect (dist/cli.js)', () => {
  before(() => {
    write(dir, 'good.csv', 'a,b,label\n' + rows(20, (i) => `${i},${i % 3},${i % 2 ? 'x' : 'y'}`));
  });

  it('prints a readable summary, and JSON with the documented keys', () => {
    const text = clr(['inspect', 'good.csv']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /format\s+csv/);
    assert.match(text.stdout, /rows\s+20/);
    assert.match(text.stdout, /target\s+label \(classification, 2 classes: x, y\)/);
    const json = clr(['inspect', 'good.csv', '--json', '--target', 'b']);
    assert.equal(json.code, 0, json.stderr);
    const summary = JSON.parse(json.stdout);
    for (const key of ['format', 'rows', 'features', 'featureNames', 'target', 'task', 'classes', 'warnings']) assert.ok(key in summary, key);
    assert.deepEqual([summary.target, summary.classes], ['b', ['0', '1', '2']]);
  });

  it('answers for every format', () => {
    mkdirSync(join(dir, 'formats'));
    const f = (name: string, content: string | Buffer) => write(join(dir, 'formats'), name, content);
    f('t.tsv', 'a\tb\tlabel\n' + rows(9, (i) => `${i}\t${i * 2}\t${i % 3}`));
    f('t.jsonl', rows(9, (i) => JSON.stringify({ a: i, label: i % 3 })));
    f('X.npy', npyBytes('<f4', [9, 2], Array.from({ length: 18 }, (_, i) => i)));
    f('y.npy', npyBytes('<i8', [9], Array.from({ length: 9 }, (_, i) => i % 3)));
    f('d.npz', zipBytes([{ name: 'x.npy', data: npyBytes('<f4', [9, 2], Array.from({ length: 18 }, (_, i) => i)) }, { name: 'y.npy', data: npyBytes('|u1', [9], [0, 1, 2, 0, 1, 2, 0, 1, 2]) }], true));
    f('train-images-idx3-ubyte', idxBytes([9, 4, 4], Array.from({ length: 144 }, (_, i) => i)));
    f('train-labels-idx1-ubyte', idxBytes([9], [0, 1, 2, 0, 1, 2, 0, 1, 2]));
    for (const c of ['a', 'b']) {
      mkdirSync(join(dir, 'formats', 'img', c), { recursive: true });
      f(`img/${c}/1.png`, imageBytes('png', 8, 8, c === 'a' ? [255, 0, 0] : [0, 0, 255]));
      f(`img/${c}/2.jpg`, imageBytes('jpeg', 8, 8, c === 'a' ? [255, 0, 0] : [0, 0, 255]));
    }
    const expected: Array<[string, string, number]> = [['t.tsv', 'tsv', 9], ['t.jsonl', 'jsonl', 9], ['X.npy', 'npy', 9], ['d.npz', 'npz', 9], ['train-images-idx3-ubyte', 'idx', 9], ['img', 'images', 4]];
    for (const [name, format, count] of expected) {
      const r = clr(['inspect', join('formats', name), '--json']);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      const s = JSON.parse(r.stdout);
      assert.deepEqual([s.format, s.rows, s.task], [format, count, 'classification'], name);
    }
  });

  // Each bad input: the file's name, and where given the line:column, in one `error:` line; exit code 2.
  const cases: Array<{ what: string; name: string; content?: string | Buffer; args?: string[]; message: RegExp; at?: string }> = [
    { what: 'an empty file', name: 'empty.csv', content: '', message: /the file is empty/ },
    { what: 'a blank file', name: 'blank.csv', content: '\n \n\n', message: /the file is empty/ },
    { what: 'a header only', name: 'header.csv', content: 'a,b,label\n', message: /header but no data rows/, at: ':2' },
    { what: 'ragged rows', name: 'ragged.csv', content: 'a,b,label\n1,2,x\n3,4\n5,6,y\n', message: /2 fields but the header has 3/, at: ':3:4' },
    { what: 'too many fields', name: 'wide.csv', content: 'a,b,label\n1,2,x\n3,4,y,9\n', message: /4 fields but the header has 3/, at: ':3:7' },
    { what: 'text in a numeric column', name: 'text.csv', content: 'a,b,label\n' + rows(10, (i) => `${i},${i === 6 ? 'oops' : i},${i % 2}`), message: /text 'oops' in numeric column 'b'/, at: ':8:3' },
    { what: 'a decimal comma', name: 'comma.csv', content: 'a;b;label\n1;2,5;x\n2;3;y\n4;5;x\n', message: /decimals with a point/, at: ':2:3' },
    { what: 'an all-missing column', name: 'allmissing.csv', content: 'a,b,label\n' + rows(5, (i) => `${i},,${i % 2}`), message: /column 'b' .*empty in all 5 rows/ },
    { what: 'a single class', name: 'oneclass.csv', content: 'a,label\n' + rows(5, (i) => `${i},cat`), message: /single class 'cat'/ },
    { what: 'a constant target', name: 'constant.csv', content: 'a,target\n' + rows(5, (i) => `${i},3.5`), message: /target 'target' is constant/ },
    { what: 'an unknown target', name: 'good.csv', args: ['--target', 'nope'], message: /no column named 'nope'.*choose --target from: a, b, label/ },
    { what: 'binary junk', name: 'junk.csv', content: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)), message: /binary data, not a text table/ },
    { what: 'an unknown format', name: 'data.parquet', content: Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 1)]), message: /Parquet is not a supported dataset format/ },
    { what: 'an unknown binary extension', name: 'data.xyz', content: Buffer.from([1, 2, 3, 0, 5, 200]), message: /unknown format '\.xyz'/ },
    { what: 'a single image', name: 'photo.png', content: imageBytes('png', 4, 4, [1, 2, 3]), message: /single image is not a dataset/ },
    { what: 'UTF-16 text', name: 'utf16.csv', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]), message: /UTF-16/ },
    { what: 'an unterminated quote', name: 'quote.csv', content: 'a,b,label\n1,"2,x\n3,4,y\n', message: /quoted field is never closed/, at: ':2:3' },
    { what: 'invalid JSON Lines', name: 'bad.jsonl', content: '{"a": 1, "label": 0}\n{"a": 2 "label": 1}\n', message: /not valid JSON/, at: ':2:' },
    { what: 'a JSONL key not in the first line', name: 'keys.jsonl', content: '{"a": 1, "label": 0}\n{"a": 2, "b": 3, "label": 1}\n', message: /key 'b' is not in the first line/, at: ':2:10' },
    { what: 'a nested JSON object', name: 'nested.jsonl', content: '{"a": {"b": 1}, "label": 0}\n', message: /'a' is a nested object.*flatten/, at: ':1:2' },
    { what: 'JSONL arrays of changing length', name: 'arrays.jsonl', content: '{"v": [1, 2], "label": 0}\n{"v": [1], "label": 1}\n', message: /'v' should be an array of 2 numbers/, at: ':2:2' },
    { what: 'a JSONL line that is not an object', name: 'scalar.jsonl', content: '{"a": 1, "label": 0}\n[1, 0]\n', message: /expected a JSON object, found an array/, at: ':2:1' },
    { what: 'mismatched NPY lengths', name: 'm_X.npy', content: npyBytes('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]), message: /m_X\.npy has 4 rows but m_y\.npy has 3 labels/ },
    { what: 'an NPY without labels', name: 'alone.npy', content: npyBytes('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]), message: /no label file found.*alone_labels\.npy/ },
    { what: 'a truncated NPY', name: 'cut_X.npy', content: npyBytes('<f8', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]).subarray(0, 120), message: /truncated/ },
    { what: 'an unsupported NPY dtype', name: 'str_X.npy', content: Buffer.from(npyBytes('<f4', [1], [0]).toString('latin1').replace("'<f4'", "'<U3'"), 'latin1'), message: /dtype '<U3' are not supported/ },
    { what: 'a cut-off gzipped IDX file', name: 'cut-images-idx3-ubyte.gz', content: cutGzip(idxBytes([50, 8, 8], Array.from({ length: 3200 }, (_, i) => (i * 37) % 256), true)), message: /compressed data is corrupt|truncated/ },
    { what: 'a cut-off IDX file', name: 'short-images-idx3-ubyte', content: idxBytes([50, 8, 8], new Array(3000).fill(1)), message: /truncated/ },
    { what: 'an IDX label file', name: 'x-labels-idx1-ubyte', content: idxBytes([3], [0, 1, 2]), message: /IDX label file.*images file/ },
    { what: 'IDX images without labels', name: 'lonely-images-idx3-ubyte', content: idxBytes([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]), message: /no label file found.*lonely-labels-idx1-ubyte/ },
    { what: 'a damaged NPZ', name: 'broken.npz', content: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40)]), message: /damaged or not a zip/ },
    { what: 'a missing path', name: 'nowhere/missing.csv', message: /no such file or folder/ },
  ];

  for (const c of cases) {
    it(`rejects ${c.what} with exit code 2 and one error line`, () => {
      if (c.content !== undefined) write(dir, c.name, c.content);
      if (c.name === 'm_X.npy') write(dir, 'm_y.npy', npyBytes('<i4', [3], [0, 1, 0]));
      if (c.name.startsWith('cut-')) write(dir, 'cut-labels-idx1-ubyte.gz', idxBytes([50], new Array(50).fill(0).map((_, i) => i % 2), true));
      if (c.name.startsWith('short-')) write(dir, 'short-labels-idx1-ubyte', idxBytes([50], new Array(50).fill(0).map((_, i) => i % 2)));
      const r = clr(['inspect', c.name, ...(c.args ?? [])]);
      assert.equal(r.code, 2, `${c.what}: exit ${r.code}\n${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^error: /);
      assert.match(lines[0], c.message);
      const file = c.name === 'm_X.npy' ? 'm_y.npy' : c.name;
      assert.ok(lines[0].includes(join(dir, file) + (c.at ?? ':')), `names the file${c.at ? ` at ${c.at}` : ''}: ${lines[0]}`);
    });
  }

  it('rejects images that do not decode, naming the image', () => {
    for (const c of ['a', 'b']) mkdirSync(join(dir, 'pics', c), { recursive: true });
    write(join(dir, 'pics', 'a'), '1.png', imageBytes('png', 4, 4, [0, 0, 0]));
    write(join(dir, 'pics', 'b'), '1.png', imageBytes('png', 4, 4, [9, 9, 9]).subarray(0, 40));
    write(join(dir, 'pics', 'b'), '2.jpg', 'not a jpeg');
    const r = clr(['inspect', 'pics']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: .*pics\/b\/1\.png: the image does not decode/);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });

  it('rejects a folder without class folders, a pipe (without hanging), and flags it has no use for', () => {
    mkdirSync(join(dir, 'flat'));
    write(join(dir, 'flat'), '1.png', imageBytes('png', 4, 4, [0, 0, 0]));
    assert.match(clr(['inspect', 'flat']).stderr, /^error: .*flat: the images are not sorted into class folders/);
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    const pipe = clr(['inspect', 'pipe.csv']);
    assert.equal(pipe.code, 2);
    assert.match(pipe.stderr, /not a regular file/);
    const flag = clr(['inspect', 'good.csv', '--bogus']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^error: unknown flag --bogus/);
    assert.match(clr(['inspect']).stderr, /missing the dataset path/);
  });

  it('maps permission errors to a user error with a hint', () => {
    const error = fileError(Object.assign(new Error('EACCES'), { code: 'EACCES' }), '/x/data.csv');
    assert.ok(error instanceof UserError);
    assert.equal(error.format(), '/x/data.csv: permission denied: make the file readable by your user');
  });

  it('never modifies the files it reads', function () {
    this.timeout(240_000); // one process per file, on a machine that may be busy
    const prints = fingerprint(dir);
    for (const name of readdirSync(dir)) clr(['inspect', name]);
    clr(['inspect', 'formats/img']);
    clr(['inspect', 'formats/X.npy']);
    const after = fingerprint(dir);
    assert.deepEqual(after, prints);
    assert.ok(prints.size > 30);
  });
});
