// Every framework/policy pair `clr snippet` offers, executed: PyTorch with real torch (and its commented training
// loop), Lightning's configure_optimizers on a plain nn.Module, Keras and fastai against stand-in modules, TF.js
// with @tensorflow/tfjs in this process. Each must produce `clr schedule`'s rates for the schedule it reports.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ScheduleSpec } from '../../../src/core/schedules';
import { SNIPPET_FRAMEWORKS, SNIPPET_POLICIES } from '../../../src/core/snippets';
import { WARMUP_POLICIES } from '../../../src/core/schedules';
import { SCHEDULE_FLAG_FIELDS } from '../../../src/cli/scheduleFlags';
import { REPO_ROOT, runPythonJson, torchPython } from '../../support/pythonOracle';
import { testTempDir } from '../../support/tempDirs';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const STEPS = 300;
const REL_TOL = 1e-9;

interface Variant {
  framework: string;
  policy: string;
  flags: string[];
  optimizer?: string;
  spe?: number;
}
interface Generated {
  framework: string;
  policy: string;
  language: string;
  code: string;
  snippet: string;
  schedule: ScheduleSpec;
}
type RunResult = { lr: number[] | null; momentum: number[] | null; info?: Record<string, unknown> } | { error: string };

function clr(args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
}

function scheduleFlags(spec: ScheduleSpec): string[] {
  const s = spec as unknown as Record<string, unknown>;
  const args = ['--policy', spec.policy];
  for (const [flag, { field, policies }] of Object.entries(SCHEDULE_FLAG_FIELDS)) {
    if (s[field] !== undefined && policies.includes(spec.policy)) args.push(`--${flag}=${String(s[field])}`);
  }
  return args;
}

function expected(spec: ScheduleSpec, steps: number): { lr: number[]; momentum: number[] | null } {
  return JSON.parse(clr(['schedule', ...scheduleFlags(spec), '--steps', String(steps)]));
}

function assertClose(name: string, actual: number[], wanted: number[]): void {
  assert.equal(actual.length, wanted.length, `${name}: ${actual.length} values, expected ${wanted.length}`);
  for (let t = 0; t < actual.length; t++) {
    const rel = actual[t] === wanted[t] ? 0 : Math.abs(actual[t] - wanted[t]) / Math.max(Math.abs(actual[t]), Math.abs(wanted[t]));
    assert.ok(rel <= REL_TOL, `${name}[${t}] = ${actual[t]}, clr schedule says ${wanted[t]} (rel ${rel.toExponential(2)})`);
  }
}

/** Per-policy flags that put several cycles/restarts into STEPS steps. */
function policyFlags(policy: string, spe: number | undefined): string[] {
  switch (policy) {
    case 'triangular':
      return spe ? ['--epochs-per-half-cycle', '1'] : ['--step-size-up', '40', '--step-size-down', '25'];
    case 'triangular2':
      return spe ? ['--epochs-per-half-cycle', '1'] : ['--step-size-up', '30'];
    case 'exp_range':
      return ['--step-size-up', '30', '--gamma', '0.995'];
    case 'one-cycle':
      return spe ? ['--epochs', '10'] : ['--total-steps', String(STEPS + 20), '--pct-start', '0.25', '--anneal-strategy', 'linear'];
    case 'sgdr':
      return spe ? ['--t0', '2', '--t-mult', '2', '--eta-min', '1e-5'] : ['--t0', '50', '--t-mult', '1'];
    case 'warmup-cosine':
      return spe ? ['--epochs', '4'] : ['--total-steps', '120', '--warmup-steps', '10', '--eta-min', '1e-5'];
    case 'wsd':
      return spe ? ['--epochs', '4', '--cooldown', '1-sqrt'] : ['--total-steps', '120', '--warmup-steps', '10', '--decay-steps', '30'];
    case 'linear-decay':
      return spe ? ['--epochs', '4'] : ['--total-steps', '120', '--warmup-steps', '0'];
  }
  return [];
}

function variants(): Variant[] {
  const out: Variant[] = [];
  const optimizers = [undefined, 'sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'];
  let k = 0;
  for (const framework of SNIPPET_FRAMEWORKS) {
    for (const policy of SNIPPET_POLICIES) {
      for (const spe of [37, undefined]) {
        const optimizer = optimizers[k++ % optimizers.length];
        const flags = ['--framework', framework, '--policy', policy, '--base-lr', '0.0003', '--max-lr', '0.02', ...policyFlags(policy, spe)];
        if (policy === 'sgdr' || policy === 'one-cycle' || (WARMUP_POLICIES as readonly string[]).includes(policy)) flags.splice(flags.indexOf('--base-lr'), 2);
        if (spe) flags.push('--rows', String(spe * 16 - 5), '--batch-size', '16');
        if (optimizer) flags.push('--optimizer', optimizer);
        // fastai trains whole epochs: without --rows, an sgdr "epoch" is one step, so train more of them.
        if (framework === 'fastai' && !spe) flags.push('--epochs', '300');
        out.push({ framework, policy, flags, optimizer, spe });
      }
    }
  }
  // Options that change the emitted code.
  for (const framework of ['pytorch', 'keras', 'tfjs', 'fastai']) {
    out.push({ framework, policy: 'exp_range', flags: ['--framework', framework, '--policy', 'exp_range', '--base-lr', '1e-3', '--max-lr', '1e-2', '--step-size-up', '20', '--gamma', '0.8', '--scale-mode', 'cycle'] });
    out.push({ framework, policy: 'triangular', flags: ['--framework', framework, '--policy', 'triangular', '--base-lr', '1e-3', '--max-lr', '1e-2', '--step-size-up', '12.5', '--step-size-down', '0'] });
    out.push({ framework, policy: 'one-cycle', flags: ['--framework', framework, '--policy', 'one-cycle', '--max-lr', '0.05', '--total-steps', '310', '--three-phase', '--pct-start', '0.3', '--div-factor', '10', '--final-div-factor', '100'] });
  }
  out.push({ framework: 'pytorch', policy: 'one-cycle', optimizer: 'adam', flags: ['--framework', 'pytorch', '--policy', 'one-cycle', '--max-lr', '0.05', '--total-steps', '400', '--optimizer', 'adam', '--base-momentum', '0.8', '--max-momentum', '0.97'] });
  out.push({ framework: 'pytorch', policy: 'triangular2', optimizer: 'momentum', flags: ['--framework', 'pytorch', '--policy', 'triangular2', '--base-lr', '1e-3', '--max-lr', '1e-2', '--step-size-up', '33', '--optimizer', 'momentum', '--optimizer-var', 'opt', '--scheduler-var', 'clr_sched', '--base-momentum', '0.85', '--max-momentum', '0.95'] });
  return out;
}

describe('snippets: the generated code produces clr schedule’s rates', function () {
  this.timeout(600_000);
  const cases = variants();
  let generated: Generated[];
  let results: RunResult[];

  before(() => {
    generated = cases.map((v) => JSON.parse(clr(['snippet', ...v.flags, '--format', 'json'])) as Generated);
    const python = generated
      .map((g, i) => ({ g, v: cases[i] }))
      .filter(({ g }) => g.language === 'python')
      .map(({ g, v }) => ({
        framework: g.framework,
        code: g.code,
        steps: STEPS,
        optimizer: v.optimizer ?? 'momentum',
        stepsPerEpoch: (g.schedule as { stepsPerEpoch?: number }).stepsPerEpoch ?? v.spe,
        optimizerVar: v.flags.includes('--optimizer-var') ? v.flags[v.flags.indexOf('--optimizer-var') + 1] : 'optimizer',
        schedulerVar: v.flags.includes('--scheduler-var') ? v.flags[v.flags.indexOf('--scheduler-var') + 1] : 'scheduler',
      }));
    const pyResults = runPythonJson<RunResult[]>('run_snippets.py', python);
    let j = 0;
    results = generated.map((g) => (g.language === 'python' ? pyResults[j++] : { lr: null, momentum: null }));
  });

  it('covers every framework × policy pair the CLI offers', () => {
    for (const framework of SNIPPET_FRAMEWORKS) {
      for (const policy of SNIPPET_POLICIES) {
        assert.ok(cases.some((c) => c.framework === framework && c.policy === policy), `${framework} × ${policy}`);
      }
    }
  });

  it('Python snippets compile with python3 -m py_compile', () => {
    const dir = testTempDir('clr-snippets-');
    try {
      const files = generated
        .filter((g) => g.language === 'python')
        .map((g, i) => {
          const file = path.join(dir, `${g.framework}_${g.policy.replace('-', '_')}_${i}.py`);
          writeFileSync(file, g.code);
          return file;
        });
      const r = spawnSync(torchPython(), ['-m', 'py_compile', ...files], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(files.length >= 40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const framework of ['pytorch', 'lightning', 'keras', 'fastai']) {
    it(`${framework}: executed, rates equal clr schedule's at every step`, () => {
      let checked = 0;
      let momentumChecked = 0;
      generated.forEach((g, i) => {
        if (g.framework !== framework) return;
        const label = `clr snippet ${cases[i].flags.join(' ')}`;
        const r = results[i];
        assert.ok(!('error' in r), `${label}: ${'error' in r ? r.error : ''}\n${g.code}`);
        if (r.lr === null) {
          // fastai's fit_one_cycle: its own schedule, called with PyTorch's parameters.
          const spec = g.schedule as Extract<ScheduleSpec, { policy: 'one-cycle' }>;
          const kwargs = (r.info as { kwargs: Record<string, number> }).kwargs;
          assert.equal(kwargs.lr_max, spec.maxLr, label);
          assert.equal(kwargs.div, spec.divFactor ?? 25, label);
          assert.equal(kwargs.div_final, (spec.divFactor ?? 25) * (spec.finalDivFactor ?? 1e4), label);
          assert.equal(kwargs.pct_start, spec.pctStart ?? 0.3, label);
          checked++;
          return;
        }
        const want = expected(g.schedule, r.lr.length);
        assert.ok(r.lr.length >= Math.min(STEPS, 100), `${label}: only ${r.lr.length} steps ran`);
        assertClose(`${label} lr`, r.lr, want.lr);
        const cycles = (g.schedule as { cycleMomentum?: boolean }).cycleMomentum !== false && want.momentum !== null;
        if ((framework === 'pytorch' || framework === 'lightning') && cycles && r.momentum) {
          assertClose(`${label} momentum`, r.momentum, want.momentum as number[]);
          momentumChecked++;
        }
        checked++;
      });
      assert.ok(checked >= 10, `${checked} snippets checked`);
      if (framework === 'pytorch' || framework === 'lightning') assert.ok(momentumChecked >= 3, `momentum compared for ${momentumChecked} snippets`);
    });
  }

  it('handles the momentum traps: no cycling for plain SGD, RMSprop, or Adam on old torch', () => {
    const get = (flags: string[]) => clr(['snippet', '--framework', 'pytorch', '--base-lr', '1e-3', '--max-lr', '1e-2', ...flags]);
    assert.match(get(['--policy', 'triangular', '--optimizer', 'adam']), /cycle_momentum=False, {2}# Adam has no `momentum`/);
    assert.match(get(['--policy', 'triangular', '--optimizer', 'adam', '--torch-version', '2.4.1']), /cycle_momentum=True, {2}# torch 2\.4\.1: cycles Adam's beta1/);
    assert.match(get(['--policy', 'triangular', '--optimizer', 'sgd']), /cycle_momentum=False, {2}# SGD built with momentum=0/);
    assert.match(get(['--policy', 'triangular2', '--optimizer', 'rmsprop']), /cycle_momentum=False, {2}# RMSprop/);
    assert.match(get(['--policy', 'triangular', '--optimizer', 'momentum']), /cycle_momentum=True/);
    assert.match(clr(['snippet', '--framework', 'pytorch', '--policy', 'one-cycle', '--max-lr', '0.1', '--optimizer', 'adam']), /cycle_momentum=True, {2}# cycles Adam's beta1/);
    // The trap is real: the code torch >= 2.3 gets raises on the installed torch 1.13.
    const newTorch = get(['--policy', 'triangular', '--optimizer', 'adam', '--torch-version', '2.4']);
    const [r] = runPythonJson<RunResult[]>('run_snippets.py', [{ framework: 'pytorch', code: newTorch, steps: 5, optimizer: 'adam', optimizerVar: 'optimizer', schedulerVar: 'scheduler' }]);
    const torchVersion = spawnSync(torchPython(), ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
    if (torchVersion.startsWith('1.') || /^2\.[0-2]\./.test(torchVersion)) assert.match('error' in r ? r.error : '', /optimizer must support momentum/);
  });

  it('tfjs: the callback sets the expected rate before every batch of model.fit', async () => {
    // Other suites in this process may register the WASM backend (higher priority) without initialising it.
    await tf.setBackend('cpu');
    let checked = 0;
    for (let i = 0; i < generated.length; i++) {
      const g = generated[i];
      if (g.framework !== 'tfjs') continue;
      const spe = (g.schedule as { stepsPerEpoch?: number }).stepsPerEpoch ?? cases[i].spe ?? 10;
      const epochs = Math.ceil(120 / spe);
      const batchSize = 4;
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
      const kind = cases[i].optimizer ?? 'momentum';
      const optimizer =
        kind === 'adam' || kind === 'adamw' ? tf.train.adam(0.5) : kind === 'rmsprop' ? tf.train.rmsprop(0.5) : kind === 'sgd' ? tf.train.sgd(0.5) : tf.train.momentum(0.5, 0.9);
      model.compile({ optimizer, loss: 'meanSquaredError' });
      const callback = new Function('tf', 'model', `${g.code}\nreturn cyclicalLr;`)(tf, model) as tf.CustomCallback;
      const seen: number[] = [];
      const probe = new tf.CustomCallback({
        onBatchBegin: async () => {
          seen.push((model.optimizer as unknown as { learningRate: number }).learningRate);
        },
      });
      const xs = tf.randomNormal([spe * batchSize, 3]);
      const ys = tf.randomNormal([spe * batchSize, 1]);
      await model.fit(xs, ys, { epochs, batchSize, shuffle: false, verbose: 0, callbacks: [callback, probe] });
      xs.dispose();
      ys.dispose();
      model.dispose();
      assert.equal(seen.length, epochs * spe);
      assertClose(`clr snippet ${cases[i].flags.join(' ')}`, seen, expected(g.schedule, seen.length).lr);
      checked++;
    }
    assert.ok(checked >= 10);
  });

  it('the TypeScript variant of the tfjs snippet type-checks against @tensorflow/tfjs', () => {
    const code = clr(['snippet', '--framework', 'tfjs', '--policy', 'one-cycle', '--max-lr', '0.1', '--total-steps', '100', '--typescript']);
    const dir = mkdtempSync(path.join(REPO_ROOT, 'out', 'snippet-ts-'));
    try {
      const file = path.join(dir, 'snippet.ts');
      writeFileSync(file, `import * as tf from '@tensorflow/tfjs';\ndeclare const model: tf.LayersModel;\n${code}\nexport { cyclicalLr };\n`);
      const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2020', '--moduleResolution', 'node', file], { encoding: 'utf8', cwd: REPO_ROOT });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
