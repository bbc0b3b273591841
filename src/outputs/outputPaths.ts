// Checks, before a run starts (or an export is written), that every file we write can be written without
// destroying anything of the user's: never an input of the run (compared by device and inode, so that a symbolic link
// or another spelling of the path is caught too), never a folder, device, pipe or socket, never a read-only
// file, and always somewhere we can write.
import { accessSync, constants, Stats, statSync } from 'node:fs';
import { dirname, relative, isAbsolute } from 'node:path';
import { UserError } from '../core/errors';

export interface OutputPath {
  /** The flag that named it (e.g. 'json'), or the kind of file where there is no flag (e.g. 'png'). */
  flag: string;
  /** Absolute path. */
  path: string;
  /** How messages name it where it has no flag (the panel's exports): 'the export file'. Default `--flag`. */
  label?: string;
}

export interface RunInput {
  /** What it is to the user: 'the dataset', 'the model file', … */
  role: string;
  path: string;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The file name extension of the example in a message (a report is HTML; other outputs are named after their kind). */
function exampleExtension(flag: string): string {
  if (flag === 'report') return 'html';
  return flag === 'png' || flag === 'csv' ? flag : 'json';
}

const sameFile = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino;

function isInside(folder: Stats, folderPath: string, path: string): boolean {
  // Walk up from the output's folder: a match by device and inode catches links and other spellings.
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const stats = statOrNull(dir);
    if (stats !== null && sameFile(stats, folder)) return true;
    if (dirname(dir) === dir) break;
  }
  const rel = relative(folderPath, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Throws a UserError naming the flag for the first output that would clobber something or cannot be written. */
export function checkOutputPaths(outputs: readonly OutputPath[], inputs: readonly RunInput[]): void {
  const inputStats = inputs.flatMap((input) => {
    const stats = statOrNull(input.path);
    return stats === null ? [] : [{ ...input, stats }];
  });
  const seen: Array<{ name: string; stats: Stats | null; path: string }> = [];
  for (const { flag, path, label } of outputs) {
    const name = label ?? `--${flag}`;
    const refuse = (message: string, hint = `choose another path for ${name}`): never => {
      throw new UserError(`${name}: ${message}`, { file: path, hint });
    };
    const stats = statOrNull(path);
    for (const input of inputStats) {
      if (stats !== null && sameFile(stats, input.stats)) refuse(`is ${input.role} of this run; writing there would overwrite it`);
      if (input.stats.isDirectory() && isInside(input.stats, input.path, path)) refuse(`is inside ${input.role} (${input.path}), which is only ever read`);
    }
    for (const other of seen) {
      if (other.path === path || (stats !== null && other.stats !== null && sameFile(stats, other.stats))) refuse(`is also the path of ${other.name}`);
    }
    seen.push({ name, stats, path });
    if (stats !== null) {
      if (stats.isDirectory()) refuse('is a folder', `give a file path for ${name}, e.g. ${path.replace(/\/$/, '')}/result.${exampleExtension(flag)}`);
      if (!stats.isFile()) refuse('is not a regular file (a device, pipe or socket); it is not replaced');
      // The mode bits, not only access(): root may write anywhere, but a file its owner made read-only stays so.
      if ((stats.mode & 0o200) === 0 || !writable(path)) refuse('is a read-only file; it is not replaced', 'make it writable first, or choose another path');
    }
    // Missing folders are created at the end; the nearest existing one must be a folder we can write in.
    let existing = dirname(path);
    while (statOrNull(existing) === null && dirname(existing) !== existing) existing = dirname(existing);
    if (!statOrNull(existing)?.isDirectory()) refuse(`${existing} is not a folder`, 'choose another path');
    if (!writable(existing)) refuse(`cannot write in the folder ${existing}`, 'choose a folder you can write to');
  }
}
