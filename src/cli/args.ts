import { UserError } from '../core/errors';
import { formatLimit } from '../core/limits';

/** How one flag's value is read. */
export type FlagKind =
  | { type: 'string' }
  | { type: 'number'; min?: number; exclusiveMin?: boolean; max?: number; exclusiveMax?: boolean }
  /** Above `max` the message names the cap: "--steps 1e9 is more than the 10,000,000 we list" (`capVerb` 'list'). */
  | { type: 'int'; min?: number; max?: number; capVerb?: string }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'numberList' };

export interface FlagSpec {
  kind: FlagKind;
  description: string;
  /** Shown in --help; a flag without a default is undefined when absent. */
  default?: string | number | boolean | number[];
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValue = string | number | boolean | number[];

export interface ParsedArgs {
  flags: Record<string, FlagValue | undefined>;
  positionals: string[];
}

function describeAllowed(kind: FlagKind): string {
  switch (kind.type) {
    case 'enum':
      return `one of ${kind.values.join(', ')}`;
    case 'int':
      return 'an integer' + rangeText(kind.min, kind.max, false, false);
    case 'number':
      return 'a number' + rangeText(kind.min, kind.max, kind.exclusiveMin, kind.exclusiveMax);
    case 'numberList':
      return 'comma-separated numbers, e.g. 128,64';
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a value';
  }
}

function rangeText(min?: number, max?: number, exMin?: boolean, exMax?: boolean): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${exMin ? '>' : '≥'} ${min}`);
  if (max !== undefined) parts.push(`${exMax ? '<' : '≤'} ${max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

function parseValue(name: string, kind: FlagKind, raw: string): FlagValue {
  const bad = (): never => {
    throw new UserError(`--${name}: '${raw}' is not valid`, { hint: `expected ${describeAllowed(kind)}` });
  };
  switch (kind.type) {
    case 'string':
      return raw;
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return bad();
    case 'enum':
      return kind.values.includes(raw) ? raw : bad();
    case 'numberList': {
      const parts = raw.split(',').map((s) => s.trim());
      if (parts.some((p) => p === '' || !Number.isFinite(Number(p)))) bad();
      return parts.map(Number);
    }
    case 'int':
    case 'number': {
      const value = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) return bad();
      if (kind.type === 'int' && !Number.isInteger(value)) return bad();
      const exMin = kind.type === 'number' && kind.exclusiveMin;
      const exMax = kind.type === 'number' && kind.exclusiveMax;
      if (kind.min !== undefined && (exMin ? value <= kind.min : value < kind.min)) bad();
      if (kind.type === 'int' && kind.max !== undefined && value > kind.max) {
        throw new UserError(`--${name} ${raw} is more than the ${formatLimit(kind.max)} we ${kind.capVerb ?? 'allow'}`, { hint: 'ask for fewer' });
      }
      if (kind.max !== undefined && (exMax ? value >= kind.max : value > kind.max)) bad();
      return value;
    }
  }
}

/**
 * Parses `--name value`, `--name=value` and bare boolean `--name` flags against a spec; anything else is a
 * positional. Unknown flags and bad values are UserErrors that name the flag and the allowed values.
 */
export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const flags: Record<string, FlagValue | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
      throw new UserError(`unknown flag --${name}`, { hint: `known flags: ${known}` });
    }
    let raw: string;
    if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else if (spec.kind.type === 'boolean' && (i + 1 >= argv.length || !['true', 'false', '1', '0'].includes(argv[i + 1]))) {
      raw = 'true';
    } else {
      if (i + 1 >= argv.length) {
        throw new UserError(`--${name} needs a value`, { hint: `expected ${describeAllowed(spec.kind)}` });
      }
      raw = argv[++i];
    }
    flags[name] = parseValue(name, spec.kind, raw);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (flags[name] === undefined && spec.default !== undefined) flags[name] = spec.default;
  }
  return { flags, positionals };
}

/** `--help` text for a command. */
export function formatHelp(usage: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const def = spec.default === undefined ? '' : ` (default ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)})`;
    return `  --${name.padEnd(20)} ${spec.description}; ${describeAllowed(spec.kind)}${def}`;
  });
  return `usage: ${usage}\n\n${rows.join('\n')}\n`;
}

function typed<T>(args: ParsedArgs, name: string, check: (v: FlagValue) => v is FlagValue & T): T | undefined {
  const value = args.flags[name];
  if (value === undefined) return undefined;
  if (!check(value)) throw new TypeError(`flag --${name} has an unexpected type`);
  return value;
}

export const numberFlag = (args: ParsedArgs, name: string): number | undefined =>
  typed<number>(args, name, (v): v is number => typeof v === 'number');
export const stringFlag = (args: ParsedArgs, name: string): string | undefined =>
  typed<string>(args, name, (v): v is string => typeof v === 'string');
export const booleanFlag = (args: ParsedArgs, name: string): boolean =>
  typed<boolean>(args, name, (v): v is boolean => typeof v === 'boolean') ?? false;
export const numberListFlag = (args: ParsedArgs, name: string): number[] | undefined =>
  typed<number[]>(args, name, (v): v is number[] => Array.isArray(v));
