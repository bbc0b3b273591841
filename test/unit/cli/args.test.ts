// The flag parser every command uses: the forms a flag is written in, and the one-line errors for bad flags.

import assert from 'node:assert/strict';
import { defineFlags, formatHelp, parseArgs } from '../../../src/cli/args';
import { UserError } from '../../../src/core/errors';

const FLAGS = defineFlags({
  steps: { kind: { type: 'int', min: 1, max: 1000, capVerb: 'list' }, description: 'steps' },
  rate: { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'rate', default: 0.1 },
  mode: { kind: { type: 'enum', values: ['exp', 'linear'] }, description: 'mode', default: 'exp' },
  hidden: { kind: { type: 'numberList' }, description: 'sizes' },
  json: { kind: { type: 'boolean' }, description: 'JSON' },
  out: { kind: { type: 'string' }, description: 'file' },
  help: { kind: { type: 'boolean' }, description: 'help' },
});

function refuses(argv: string[], message: string, hint?: RegExp): void {
  assert.throws(
    () => parseArgs(argv, FLAGS),
    (e: unknown) => e instanceof UserError && e.message === message && (hint === undefined || hint.test(e.hint ?? '')),
    argv.join(' '),
  );
}

describe('cli flags', () => {
  it('reads --name value, --name=value, bare and worded booleans, and fills defaults', () => {
    const a = parseArgs(['data.csv', '--steps', '20', '--rate=0.5', '--hidden', '8,4', '--json', '--out', '-'], FLAGS);
    assert.deepEqual(a.positionals, ['data.csv']);
    assert.equal(a.flags.steps, 20);
    assert.equal(a.flags.rate, 0.5);
    assert.deepEqual(a.flags.hidden, [8, 4]);
    assert.equal(a.flags.json, true);
    assert.equal(a.flags.out, '-');
    assert.equal(a.flags.mode, 'exp');
    const b = parseArgs(['--json', 'false', 'x.csv', '--steps', '3'], FLAGS);
    assert.equal(b.flags.json, false);
    assert.deepEqual(b.positionals, ['x.csv']);
    assert.equal(parseArgs(['--json=0'], FLAGS).flags.json, false);
    // A word after a boolean that is not true/false/1/0 stays a positional.
    assert.deepEqual(parseArgs(['--json', 'data.csv'], FLAGS).positionals, ['data.csv']);
    const c = parseArgs([], FLAGS);
    assert.equal(c.flags.steps, undefined);
    assert.equal(c.flags.json, undefined);
    assert.equal(c.flags.rate, 0.1);
  });

  it('takes everything after -- as positionals, and a value that starts with a dash as the value', () => {
    const a = parseArgs(['--out', '--weird-name', '--', '--steps', '-'], FLAGS);
    assert.equal(a.flags.out, '--weird-name');
    assert.deepEqual(a.positionals, ['--steps', '-']);
  });

  it('refuses unknown flags, missing values and bad numbers with a message naming the flag', () => {
    refuses(['--stpes', '3'], 'unknown flag --stpes', /known flags: --steps, --rate, --mode, --hidden, --json, --out, --help/);
    refuses(['-s', '3'], 'unknown flag -s');
    refuses(['--constructor'], 'unknown flag --constructor');
    refuses(['--steps'], '--steps needs a value', /an integer ≥ 1 and ≤ 1000/);
    refuses(['--steps', 'ten'], "--steps: 'ten' is not valid", /expected an integer/);
    refuses(['--steps', '2.5'], "--steps: '2.5' is not valid");
    refuses(['--steps', '0'], "--steps: '0' is not valid");
    refuses(['--steps', '5000'], '--steps 5000 is more than the 1,000 we list');
    refuses(['--rate', '0'], "--rate: '0' is not valid", /a number > 0/);
    refuses(['--rate='], "--rate: '' is not valid");
    refuses(['--mode', 'log'], "--mode: 'log' is not valid", /one of exp, linear/);
    refuses(['--hidden', '8,,4'], "--hidden: '8,,4' is not valid");
    refuses(['--json=maybe'], "--json: 'maybe' is not valid", /true or false/);
  });

  it('--help anywhere before -- asks for help, also where it would read as a value or follow a bad flag', () => {
    for (const argv of [['--out', '--help'], ['--help', '--out'], ['--steps', 'ten', '--help'], ['--stpes', '--help'], ['data.csv', '--help']]) {
      const a = parseArgs(argv, FLAGS);
      assert.equal(a.flags.help, true, argv.join(' '));
      assert.equal(a.flags.rate, 0.1, 'with the defaults filled');
    }
    assert.equal(parseArgs(['--', '--help'], FLAGS).flags.help, undefined);
  });

  it('lists every flag with its allowed values and default in --help', () => {
    const help = formatHelp('clr test [options]', FLAGS);
    assert.match(help, /^usage: clr test \[options\]\n/);
    assert.match(help, /--rate {17}rate; a number > 0 \(default 0\.1\)/);
    assert.match(help, /--mode {17}mode; one of exp, linear \(default exp\)/);
  });
});
