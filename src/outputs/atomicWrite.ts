import { closeSync, constants, mkdirSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../core/errors';

/** Turns a failed write into a message that says what to do; anything unexpected stays a bug. */
function writeError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const hint = 'choose another output path';
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EEXIST':
      return new UserError(`cannot create the folder ${dirname(path)} (a part of the path is not a folder)`, { file: path, hint });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new UserError('cannot write here (permission denied or a read-only file system)', { file: path, hint });
    case 'EISDIR':
      return new UserError('is a folder, not a file', { file: path, hint });
    case 'ENOSPC':
    case 'EDQUOT':
      return new UserError('the disk is full', { file: path, hint: 'free some space, or write elsewhere' });
    default:
      return error;
  }
}

/**
 * Writes a file so that readers see either the old content or the whole new one, never a half-written
 * file, even after a crash or a kill: the content goes to a temporary file in the same folder (so that the
 * rename cannot cross file systems), is flushed to disk, and then renamed over the path. An existing file
 * keeps its permissions; only a regular file is ever replaced (the checks before a run refuse the rest, and
 * this one stands in case something changed since).
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  let mode: number | undefined;
  try {
    const existing = statSync(path);
    if (!existing.isFile()) throw new UserError('is not a regular file; it is not replaced', { file: path, hint: 'choose another output path' });
    mode = existing.mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(error, path);
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
    if (mode !== undefined) fchmodSync(fd, mode);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw writeError(error, path);
  }
  syncFolder(dirname(path));
}

/** Makes the rename itself durable; best effort (some file systems cannot fsync a folder). */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The content is on disk already; only the folder entry's durability is left to the system.
  }
}
