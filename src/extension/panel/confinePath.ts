import * as path from 'node:path';

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * `raw` made absolute (relative paths from the first folder) when it lies inside one of `folders` or is one
 * of `allowed`; undefined otherwise. An absolute path never starts with '-', so the result cannot be taken
 * for a flag by a child process.
 */
export function confinePath(raw: string, folders: readonly string[], allowed: ReadonlySet<string>): string | undefined {
  if (raw === '' || raw.includes('\0')) return undefined;
  const absolute = path.isAbsolute(raw) ? path.resolve(raw) : folders.length > 0 ? path.resolve(folders[0], raw) : undefined;
  if (absolute === undefined) return undefined;
  return allowed.has(absolute) || folders.some((folder) => isInside(folder, absolute)) ? absolute : undefined;
}
