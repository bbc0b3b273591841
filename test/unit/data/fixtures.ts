// Writers for the binary formats the data tests need (made by the tests, in a temp folder).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { testTempDir } from '../../support/tempDirs';

export function tempDir(prefix = 'clr-data-'): string {
  return testTempDir(prefix);
}

export type NpyDescr = '<f4' | '<f8' | '>f8' | '<f2' | '|i1' | '<i2' | '<i4' | '<i8' | '|u1' | '<u2' | '<u4' | '>u4' | '<u8' | '|b1';

/** An NPY (version 1) file: values given in C order; written in Fortran order when asked. */
export function npyBytes(descr: NpyDescr, shape: number[], values: number[], fortran = false): Buffer {
  const size = Number(descr.slice(2));
  const little = descr[0] !== '>';
  const kind = descr[1];
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const data = Buffer.alloc(values.length * size);
  const order = fortran ? fortranOrder(shape) : values.map((_, i) => i);
  order.forEach((source, i) => {
    const v = values[source];
    const o = i * size;
    if (kind === 'f' && size === 2) data.writeUInt16LE(floatToHalf(v), o);
    else if (kind === 'f' && size === 4) {
      if (little) data.writeFloatLE(v, o);
      else data.writeFloatBE(v, o);
    } else if (kind === 'f') {
      if (little) data.writeDoubleLE(v, o);
      else data.writeDoubleBE(v, o);
    } else if (size === 8) {
      if (kind === 'i') data.writeBigInt64LE(BigInt(v), o);
      else data.writeBigUInt64LE(BigInt(v), o);
    }
    else if (kind === 'i') data.writeIntLE(v, o, size);
    else if (little) data.writeUIntLE(v, o, size);
    else data.writeUIntBE(v, o, size);
  });
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

/** For each position in Fortran order, the index of the element in C order. */
function fortranOrder(shape: number[]): number[] {
  const total = shape.reduce((a, b) => a * b, 1);
  const order: number[] = [];
  const index = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < total; f++) {
    let c = 0;
    for (let d = 0; d < shape.length; d++) c = c * shape[d] + index[d];
    order.push(c);
    for (let d = 0; d < shape.length; d++) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return order;
}

function floatToHalf(v: number): number {
  // Exact for the small integers and halves the tests use.
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  const fraction = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | fraction;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive (what numpy.savez / savez_compressed write). */
export function zipBytes(members: Array<{ name: string; data: Buffer }>, compress: boolean): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of members) {
    const body = compress ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(compress ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(compress ? 8 : 0, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An IDX file of unsigned bytes (MNIST layout). */
export function idxBytes(shape: number[], values: number[], gzip = false): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const bytes = Buffer.concat([header, Buffer.from(values)]);
  return gzip ? gzipSync(bytes) : bytes;
}

/** A solid-colour image with a gradient, as PNG or JPEG. */
export function imageBytes(kind: 'png' | 'jpeg', width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = rgb[0];
    data[i * 4 + 1] = rgb[1];
    data[i * 4 + 2] = Math.min(255, rgb[2] + (i % width));
    data[i * 4 + 3] = 255;
  }
  if (kind === 'jpeg') return jpeg.encode({ width, height, data }, 95).data;
  const png = new PNG({ width, height });
  data.copy(png.data);
  return PNG.sync.write(png);
}

export function write(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
