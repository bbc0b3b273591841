import { parseArgs as parseNodeArgs } from 'node:util';
import { UserError } from '../core/errors';
import { groupThousands } from '../core/displayFormat';

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
  default?: string | number | boolean | readonly number[];
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
export type FlagValue = string | number | boolean | number[];

/** The value a flag of this kind parses to. */
export type KindValue<K extends FlagKind> = K extends { type: 'string' }
  ? string
  : K extends { type: 'number' } | { type: 'int' }
    ? number
    : K extends { type: 'boolean' }
      ? boolean
      : K extends { type: 'enum'; values: readonly (infer V)[] }
        ? V
        : K extends { type: 'numberList' }
          ? number[]
          : never;

/** Each flag's parsed value: always there when the flag has a default, else possibly undefined. */
export type FlagValues<S extends FlagSpecs> = {
  -readonly [N in keyof S]: S[N] extends { default: NonNullable<unknown> } ? KindValue<S[N]['kind']> : KindValue<S[N]['kind']> | undefined;
};

export interface ParsedArgs<S extends FlagSpecs = FlagSpecs> {
  flags: FlagValues<S>;
  positionals: string[];
}

/**
 * A command's flags, declared once: the literal types are kept (enum values, which flags have a default), so
 * that `parseArgs(argv, flags).flags` is typed per flag.
 */
export function defineFlags<const S extends FlagSpecs>(specs: S): S {
  return specs;
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
        throw new UserError(`--${name} ${raw} is more than the ${groupThousands(kind.max)} we ${kind.capVerb ?? 'allow'}`, { hint: 'ask for fewer' });
      }
      if (kind.max !== undefined && (exMax ? value >= kind.max : value > kind.max)) bad();
      return value;
    }
  }
}

const BOOLEAN_WORDS = ['true', 'false', '1', '0'];

/**
 * Parses `--name value`, `--name=value` and bare boolean `--name` (or `--name true|false|1|0`) flags against a
 * spec with node's parseArgs; anything else is a positional, everything after `--` too. Unknown flags, missing
 * values and bad values are UserErrors that name the flag and the allowed values.
 */
export function parseArgs<S extends FlagSpecs>(argv: readonly string[], specs: S): ParsedArgs<S> {
  // `--help` anywhere before `--` asks for help, also where it would read as a value (`--pytorch --help`
  // took `--help` for the Python file) or follow a flag that lacks one.
  const end = argv.indexOf('--');
  if (Object.hasOwn(specs, 'help') && (end < 0 ? argv : argv.slice(0, end)).includes('--help')) return { flags: withDefaults({ help: true }, specs), positionals: [] };
  const options = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.kind.type === 'boolean' ? ('boolean' as const) : ('string' as const) }]));
  // Not strict: unknown flags and missing values come back as tokens, so that the messages are ours.
  const { tokens } = parseNodeArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) && token.rawName === `--${token.name}` ? specs[token.name] : undefined;
    if (!spec) {
      const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
      throw new UserError(`unknown flag ${token.rawName}`, { hint: `known flags: ${known}` });
    }
    let raw = token.value;
    if (raw === undefined && spec.kind.type === 'boolean') {
      // node leaves `--flag false` as a flag and a positional: the word right after belongs to the flag.
      const next = tokens[i + 1];
      if (next?.kind === 'positional' && next.index === token.index + 1 && BOOLEAN_WORDS.includes(next.value)) {
        raw = next.value;
        i++;
      } else raw = 'true';
    }
    if (raw === undefined) throw new UserError(`--${token.name} needs a value`, { hint: `expected ${describeAllowed(spec.kind)}` });
    flags[token.name] = parseValue(token.name, spec.kind, raw);
  }
  return { flags: withDefaults(flags, specs), positionals };
}

function withDefaults<S extends FlagSpecs>(flags: Record<string, FlagValue>, specs: S): FlagValues<S> {
  for (const [name, spec] of Object.entries(specs)) {
    if (flags[name] === undefined && spec.default !== undefined) flags[name] = typeof spec.default === 'object' ? [...spec.default] : spec.default;
  }
  // Each value was parsed by its own flag's kind, which is what FlagValues<S> says.
  return flags as FlagValues<S>;
}

/** `--help` text for a command. */
export function formatHelp(usage: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const def = spec.default === undefined ? '' : ` (default ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)})`;
    return `  --${name.padEnd(20)} ${spec.description}; ${describeAllowed(spec.kind)}${def}`;
  });
  return `usage: ${usage}\n\n${rows.join('\n')}\n`;
}
