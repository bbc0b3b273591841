import assert from 'node:assert/strict';
import { CsvParser, CsvRecord } from '../../../src/data/csvParser';
import { parseNumberBytes, parseNumberString } from '../../../src/data/numberParser';
import { UserError } from '../../../src/core/errors';
import { mulberry32 } from '../../support/seededRandom';

/** Parses text fed in chunks of the given sizes; returns records as string arrays with their line numbers. */
function parse(text: string, chunkSizes: number[] = [1 << 20], delimiter = ','): Array<{ line: number; fields: string[] }> {
  const out: Array<{ line: number; fields: string[] }> = [];
  const parser = new CsvParser(delimiter.charCodeAt(0), 'test.csv', (r: CsvRecord) => {
    const fields: string[] = [];
    for (let i = 0; i < r.count; i++) fields.push(r.text(i));
    out.push({ line: r.line, fields });
  });
  const bytes = Buffer.from(text);
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = chunkSizes[k % chunkSizes.length];
    parser.push(bytes.subarray(at, at + size));
    at += size;
  }
  parser.finish();
  return out;
}

describe('CsvParser (RFC 4180, byte chunks)', () => {
  it('splits fields, undoes quotes, keeps delimiters and line breaks inside quotes', () => {
    const records = parse('a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",\n');
    assert.deepEqual(records, [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'two\nlines', ''] },
    ]);
  });

  it('handles CRLF, lone CR and a missing final line break', () => {
    assert.deepEqual(parse('a,b\r\n1,2\r\n3,4').map((r) => r.fields), [['a', 'b'], ['1', '2'], ['3', '4']]);
    assert.deepEqual(parse('a,b\r1,2\r').map((r) => r.fields), [['a', 'b'], ['1', '2']]);
  });

  it('gives the same records whatever the chunk boundaries (including inside CRLF and quotes)', () => {
    const random = mulberry32(3);
    const rows: string[] = ['h1,h2,h3'];
    for (let i = 0; i < 200; i++) rows.push(`${i},"q ""${i}""\r\nz",${(random() * 100).toFixed(3)}`);
    const text = rows.join('\r\n') + '\r\n';
    const whole = parse(text);
    assert.equal(whole.length, 201);
    for (const sizes of [[1], [2, 3], [7], [64, 1, 5]]) assert.deepEqual(parse(text, sizes), whole, `chunks ${sizes}`);
    assert.equal(whole[200].line, 1 + 2 * 199 + 1 + 0, 'line numbers count the line breaks inside quotes');
  });

  it('reads plain decimals during the scan, exactly as Number() does, and leaves the rest to the consumer', () => {
    const random = mulberry32(8);
    const cells: string[] = ['-0', '0', '5.', '.25', '123456789012345', '1234567890123456', '1e5', ' 7', '+3', '-', '12abc', 'x'];
    for (let i = 0; i < 3000; i++) cells.push(((random() - 0.5) * 10 ** Math.floor(random() * 12)).toFixed(Math.floor(random() * 9)));
    const seen: Array<[string, number | null]> = [];
    const parser = new CsvParser(0x2c, 't.csv', (r: CsvRecord) => {
      for (let i = 0; i < r.count; i++) seen.push([r.text(i), r.plain[i] ? r.values[i] : null]);
    });
    const text = cells.join(',') + '\n';
    for (let at = 0; at < text.length; at += 97) parser.push(Buffer.from(text.slice(at, at + 97)));
    parser.finish();
    assert.equal(seen.length, cells.length);
    for (const [cell, value] of seen) {
      if (/^-?\d*\.?\d*$/.test(cell) && /\d/.test(cell) && cell.replace(/[-.]/g, '').length <= 15) assert.ok(Object.is(value, Number(cell)), `${cell}: ${value}`);
      else assert.equal(value, null, `${cell} is left to the consumer`);
    }
  });

  it('reads other delimiters', () => {
    assert.deepEqual(parse('a\tb\n1\t2\n', undefined, '\t').map((r) => r.fields), [['a', 'b'], ['1', '2']]);
  });

  it('rejects an unterminated quote and text after a closing quote, with line and column', () => {
    assert.throws(() => parse('a,b\n1,"open\n2,3\n'), (e: UserError) => e.location.line === 2 && e.location.column === 3 && /never closed/.test(e.message));
    assert.throws(() => parse('a,b\n1,"x"y\n'), (e: UserError) => e.location.line === 2 && e.location.column === 6 && /after a closing quote/.test(e.message));
  });
});

describe('parseNumberBytes', () => {
  const num = (s: string) => parseNumberBytes(Buffer.from(s), 0, Buffer.byteLength(s));

  it('agrees exactly with Number() on decimal numbers, including long and extreme ones', () => {
    const random = mulberry32(11);
    const cases = ['0', '-0', '1', '+3', '.5', '5.', '-12.75', '1e3', '1E-3', '2.5e+10', ' 7 ', '123456789012345678', '0.1234567890123456789', '1e-300', '4.9e-324', '1.7976931348623157e308', '9007199254740993'];
    for (let i = 0; i < 2000; i++) {
      const v = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      cases.push(String(v), v.toFixed(Math.floor(random() * 8)), v.toExponential(Math.floor(random() * 16)));
    }
    for (const s of cases) assert.equal(Object.is(num(s), Number(s)), true, `${s}: ${num(s)} vs ${Number(s)}`);
  });

  it('returns NaN for what is not a plain decimal number', () => {
    for (const s of ['', ' ', 'abc', '1,5', '0x1A', 'Infinity', '1_000', '1e', '--1', '.', '1.2.3', 'NaN', '12abc']) {
      assert.ok(Number.isNaN(num(s)), s);
    }
    assert.ok(Number.isNaN(parseNumberString('ı')), 'non-ASCII digits-lookalikes are not numbers');
    assert.equal(parseNumberString(' 2.5 '), 2.5);
  });
});
