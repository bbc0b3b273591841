import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { UserError } from '../core/errors';
import { fileError, forEachChunk, openForReading } from './files';

/** Element type of a binary array (NPY or IDX). */
export interface Dtype {
  kind: 'f' | 'i' | 'u' | 'b';
  size: number;
  littleEndian: boolean;
  /** As written in the file, for messages. */
  name: string;
}

/** Layout of an n-dimensional array whose first axis is rows. */
export interface ArrayHeader {
  dtype: Dtype;
  shape: number[];
  /** Column-major element order (NPY fortran_order). */
  fortran: boolean;
  /** Bytes before the first element. */
  dataOffset: number;
}

/** Delivers a byte stream chunk by chunk; the callback returns false to stop early. */
export type ByteSource = (onChunk: (chunk: Buffer) => boolean | void) => Promise<void>;

export function fileSource(file: string, start = 0): ByteSource {
  return (onChunk) => forEachChunk(file, start, 1 << 20, onChunk);
}

/** Bytes of a file slice passed through a decompressor (gunzip, raw inflate). */
export function transformedSource(file: string, makeTransform: () => Transform, start = 0, end?: number): ByteSource {
  return async (onChunk) => {
    const handle = await openForReading(file);
    const input = createReadStream(file, { fd: handle, start, end, highWaterMark: 1 << 20 });
    const stream: Readable = input.pipe(makeTransform());
    input.on('error', (error) => stream.destroy(error));
    try {
      for await (const chunk of stream) {
        if (onChunk(chunk as Buffer) === false) break;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && code.startsWith('Z_')) {
        throw new UserError(`the compressed data is corrupt (${(error as Error).message})`, { file, hint: 'download or export the file again' });
      }
      throw fileError(error, file);
    } finally {
      input.destroy();
      stream.destroy();
    }
  };
}

/** The first `length` bytes of a source (fewer when it is shorter). */
export async function readSourceHead(source: ByteSource, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  await source((chunk) => {
    parts.push(Buffer.from(chunk.subarray(0, length - have)));
    have += Math.min(chunk.length, length - have);
    return have < length;
  });
  return Buffer.concat(parts);
}

export const elementCount = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

type Decoder = (view: DataView, offset: number) => number;

function decoderFor(dtype: Dtype): Decoder {
  const le = dtype.littleEndian;
  const key = `${dtype.kind}${dtype.size}`;
  switch (key) {
    case 'f2':
      return (v, o) => halfToFloat(v.getUint16(o, le));
    case 'f4':
      return (v, o) => v.getFloat32(o, le);
    case 'f8':
      return (v, o) => v.getFloat64(o, le);
    case 'i1':
      return (v, o) => v.getInt8(o);
    case 'i2':
      return (v, o) => v.getInt16(o, le);
    case 'i4':
      return (v, o) => v.getInt32(o, le);
    case 'i8':
      return (v, o) => Number(v.getBigInt64(o, le));
    case 'u1':
    case 'b1':
      return (v, o) => v.getUint8(o);
    case 'u2':
      return (v, o) => v.getUint16(o, le);
    case 'u4':
      return (v, o) => v.getUint32(o, le);
    case 'u8':
      return (v, o) => Number(v.getBigUint64(o, le));
    default:
      throw new Error(`no decoder for ${key}`);
  }
}

export function isSupportedDtype(dtype: Dtype): boolean {
  return ['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1'].includes(`${dtype.kind}${dtype.size}`);
}

/**
 * Visits every element of an array in file order as (row, index within the row in C order, value), turning
 * Fortran order around on the fly, so that no more than one chunk of the array is in memory. Errors on a
 * truncated file.
 */
export async function streamElements(
  source: ByteSource,
  header: ArrayHeader,
  file: string,
  onElement: (row: number, column: number, value: number) => void,
): Promise<void> {
  const { dtype, shape } = header;
  const size = dtype.size;
  const decode = decoderFor(dtype);
  const rows = shape[0] ?? 1;
  const width = elementCount(shape.slice(1));
  const total = rows * width;
  // Fortran order runs the first axis fastest; cOrderOf maps the remaining axes' F index to their C index.
  const cOrderOf = header.fortran ? fortranToC(shape.slice(1)) : null;
  let skip = header.dataOffset;
  let seen = 0;
  let row = 0;
  let column = 0;
  let carry: Buffer | null = null;
  await source((raw) => {
    let chunk = raw;
    if (skip > 0) {
      if (chunk.length <= skip) {
        skip -= chunk.length;
        return true;
      }
      chunk = chunk.subarray(skip);
      skip = 0;
    }
    if (carry !== null) chunk = Buffer.concat([carry, chunk]);
    const whole = Math.min(Math.floor(chunk.length / size), total - seen);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let k = 0, offset = 0; k < whole; k++, offset += size) {
      const value = decode(view, offset);
      if (cOrderOf === null) {
        onElement(row, column, value);
        if (++column === width) {
          column = 0;
          row++;
        }
      } else {
        onElement(row, cOrderOf[column], value);
        if (++row === rows) {
          row = 0;
          column++;
        }
      }
    }
    seen += whole;
    const rest = chunk.length - whole * size;
    carry = rest > 0 && seen < total ? Buffer.from(chunk.subarray(whole * size)) : null;
    return seen < total;
  });
  if (seen < total) {
    throw new UserError(`the file is truncated: it holds ${seen} of the ${total} values its header announces (shape ${shape.join('×')})`, {
      file,
      hint: 'the file was cut off while being written or copied; save or download it again',
    });
  }
}

function fortranToC(dims: number[]): Int32Array {
  const n = elementCount(dims);
  const map = new Int32Array(n);
  const index = new Array<number>(dims.length).fill(0);
  for (let f = 0; f < n; f++) {
    let c = 0;
    for (let d = 0; d < dims.length; d++) c = c * dims[d] + index[d];
    map[f] = c;
    for (let d = 0; d < dims.length; d++) {
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
  return map;
}
