import { constants as fsConstants, promises as fs, Stats } from 'node:fs';
import { UserError } from '../core/errors';

/** Turns a failed file system call into a message that says what to do. */
export function fileError(error: unknown, file: string): UserError | unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new UserError('no such file or folder', { file, hint: 'check the path (relative paths are resolved from the current folder)' });
    case 'EACCES':
    case 'EPERM':
      return new UserError('permission denied', { file, hint: 'make the file readable by your user' });
    case 'EISDIR':
      return new UserError('is a folder, not a file', { file, hint: 'point at a data file, or at a folder with one sub-folder of images per class' });
    case 'ENOTDIR':
      return new UserError('a part of the path is not a folder', { file, hint: 'check the path' });
    case 'ELOOP':
      return new UserError('too many symbolic links', { file, hint: 'check for a symbolic link loop' });
    case 'EMFILE':
    case 'ENFILE':
      return new UserError('too many open files', { file, hint: 'close other programs or raise the open-file limit' });
    default:
      return error;
  }
}

/** stat() with user-facing errors. */
export async function statPath(file: string): Promise<Stats> {
  try {
    return await fs.stat(file);
  } catch (error) {
    throw fileError(error, file);
  }
}

const NOT_REGULAR_HINT = 'point at a data file or a folder of images';

/** Rejects what is neither a regular file nor a folder (a FIFO would block a reader forever). */
export function requireRegularFile(stats: Stats, file: string, hint = NOT_REGULAR_HINT): void {
  if (!stats.isFile()) {
    throw new UserError(`not a regular file (${kindOf(stats)})`, { file, hint });
  }
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a file';
}

/**
 * Opens a file for reading only (readers never write to the user's data), and only a regular file: the
 * check is made on the opened descriptor, so that a path swapped for a pipe or a device after a stat() is
 * still refused, and the open itself never blocks on a named pipe (O_NONBLOCK; a no-op for regular files).
 */
export async function openForReading(file: string): Promise<fs.FileHandle> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOCTTY);
  } catch (error) {
    throw fileError(error, file);
  }
  let stats: Stats;
  try {
    stats = await handle.stat();
  } catch (error) {
    await handle.close();
    throw fileError(error, file);
  }
  if (!stats.isFile()) {
    await handle.close();
    if (stats.isDirectory()) throw fileError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), file);
    requireRegularFile(stats, file, 'only regular files are read: copy the data into a file first');
  }
  return handle;
}

/**
 * A whole (regular) file, refused when it is larger than `maxBytes` (checked before reading and again while
 * reading, in case it grows): the byte budget of a file we read at once.
 */
export async function readWholeFile(file: string, maxBytes: number, what: string): Promise<Buffer> {
  const tooLarge = (size: string): UserError =>
    new UserError(`the ${what} is ${size}, more than the ${formatBytes(maxBytes)} we read`, { file, hint: `check that this is the right file` });
  const handle = await openForReading(file);
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooLarge(formatBytes(size));
    // Read to the end rather than `size` bytes: the file may grow (or shrink) while it is read.
    const parts: Buffer[] = [];
    let length = 0;
    for (;;) {
      const part = Buffer.allocUnsafe(Math.min(Math.max(size + 1 - length, 65536), maxBytes + 1 - length));
      const { bytesRead } = await handle.read(part, 0, part.length, length);
      if (bytesRead === 0) break;
      parts.push(part.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) throw tooLarge('larger');
    }
    return Buffer.concat(parts, length);
  } catch (error) {
    throw fileError(error, file);
  } finally {
    await handle.close();
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The first `length` bytes of a file (fewer when it is shorter). */
export async function readHead(file: string, length: number): Promise<Buffer> {
  const handle = await openForReading(file);
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw fileError(error, file);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a file sequentially in chunks from `start`. The next chunk is read while the current one is being
 * processed (two buffers, reused), so that parsing never waits for the disk; each chunk is valid only until
 * `onChunk` returns.
 */
export async function forEachChunk(file: string, start: number, chunkBytes: number, onChunk: (chunk: Buffer) => boolean | void): Promise<void> {
  const handle = await openForReading(file);
  let pending: Promise<unknown> | null = null;
  try {
    let current = Buffer.allocUnsafe(chunkBytes);
    let spare = Buffer.allocUnsafe(chunkBytes);
    let position = start;
    let reading = handle.read(current, 0, chunkBytes, position);
    pending = reading;
    for (;;) {
      const { bytesRead } = await reading;
      pending = null;
      if (bytesRead === 0) return;
      position += bytesRead;
      reading = handle.read(spare, 0, chunkBytes, position);
      pending = reading;
      if (onChunk(current.subarray(0, bytesRead)) === false) return;
      [current, spare] = [spare, current];
    }
  } catch (error) {
    throw fileError(error, file);
  } finally {
    // Never close the file under a read still in flight.
    if (pending !== null) await pending.catch(() => undefined);
    await handle.close();
  }
}

/** True when a byte sample looks like binary data rather than text. */
export function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 65536);
  if (n === 0) return false;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i];
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32) || c === 127) control++;
  }
  return control / n > 0.05;
}
