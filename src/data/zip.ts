import { createInflateRaw } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { UserError } from '../core/errors';
import { ByteSource, transformedSource } from './arrays';
import { openForReading, fileError } from './files';

/** One member of a zip archive. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await openForReading(file);
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw fileError(error, file);
  } finally {
    await handle.close();
  }
}

const ZIP64_EOCD = 0x06064b50;
/** Deflate expands at most about 1032:1; an entry claiming more is damaged (or a zip bomb). */
export const MAX_DEFLATE_RATIO = 1032;

/**
 * Lists a zip archive's members from its central directory (zip64 included), reading only the directory.
 * Every size and offset the archive declares is checked against the file's real size before it is used, so
 * that a damaged or hostile archive is a clear error, never a huge allocation.
 */
export async function listZip(file: string, fileSize: number): Promise<ZipEntry[]> {
  const corrupt = (what: string): never => {
    throw new UserError(`the archive is damaged or not a zip file (${what})`, { file, hint: 'save it again with numpy.savez' });
  };
  if (fileSize < 22) corrupt('shorter than an end-of-directory record');
  const tailLength = Math.min(fileSize, 65557);
  const tail = await readAt(file, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) corrupt('no end-of-directory record');
  let count = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (directoryOffset === 0xffffffff || directorySize === 0xffffffff || count === 0xffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_EOCD_LOCATOR) corrupt('zip64 locator missing');
    const recordOffset = Number(tail.readBigUInt64LE(locator + 8));
    if (recordOffset + 56 > fileSize) corrupt('the zip64 record lies beyond the end of the file');
    const record = await readAt(file, recordOffset, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) corrupt('bad zip64 record');
    count = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (directoryOffset + directorySize > fileSize) corrupt(`the directory claims ${directorySize} bytes at offset ${directoryOffset} of a ${fileSize}-byte file`);
  if (count * 46 > directorySize) corrupt(`${count} members cannot fit in a ${directorySize}-byte directory`);
  const directory = await readAt(file, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL) corrupt('bad directory entry');
    const method = directory.readUInt16LE(p + 10);
    let compressedSize = directory.readUInt32LE(p + 20);
    let size = directory.readUInt32LE(p + 24);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    let localHeaderOffset = directory.readUInt32LE(p + 42);
    const extraEnd = p + 46 + nameLength + extraLength;
    if (extraEnd + commentLength > directory.length) corrupt('a directory entry runs past the directory');
    const name = directory.toString('utf8', p + 46, p + 46 + nameLength);
    // zip64: the 0xFFFFFFFF fields are in the extra field (id 1), in this order.
    for (let e = p + 46 + nameLength; e + 4 <= extraEnd; ) {
      const id = directory.readUInt16LE(e);
      const fieldEnd = e + 4 + directory.readUInt16LE(e + 2);
      if (fieldEnd > extraEnd) corrupt('bad extra field');
      if (id === 1) {
        let q = e + 4;
        const next = (): number => {
          if (q + 8 > fieldEnd) corrupt('short zip64 extra field');
          const value = Number(directory.readBigUInt64LE(q));
          q += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e = fieldEnd;
    }
    if (localHeaderOffset + 30 + compressedSize > fileSize) corrupt(`the member '${name}' claims more bytes than the file holds`);
    if (method === 0 ? size !== compressedSize : size > compressedSize * MAX_DEFLATE_RATIO + 1024) {
      corrupt(`the member '${name}' claims ${size} bytes from ${compressedSize} stored`);
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

/** The (decompressed) bytes of one member, streamed. */
export async function zipEntrySource(file: string, entry: ZipEntry): Promise<ByteSource> {
  const local = await readAt(file, entry.localHeaderOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) {
    throw new UserError(`the archive member '${entry.name}' is damaged`, { file, hint: 'save the archive again with numpy.savez' });
  }
  const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const end = start + entry.compressedSize - 1;
  if (entry.method === 0) return transformedSource(file, () => new PassThrough(), start, Math.max(start, end));
  if (entry.method === 8) return transformedSource(file, () => createInflateRaw(), start, end);
  throw new UserError(`the archive member '${entry.name}' uses compression method ${entry.method}`, {
    file,
    hint: 'save it with numpy.savez or numpy.savez_compressed (stored or deflate)',
  });
}
