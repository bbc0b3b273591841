// Writes the bundled example datasets (deterministic: same bytes on every run).
// Run: node examples/make-examples.mjs [output folder, default: this folder]
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// mulberry32: a tiny seeded generator, so the files never change between runs or machines.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next) {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** Three interleaved spiral arms in the plane, plus two pure-noise features the model must learn to ignore. */
function spirals() {
  const next = random(42);
  const arms = ['red', 'green', 'blue'];
  const perArm = 1000;
  const rows = [];
  for (let arm = 0; arm < arms.length; arm++) {
    for (let i = 0; i < perArm; i++) {
      const r = i / perArm;
      const angle = (arm * 2 * Math.PI) / arms.length + r * 4 * Math.PI + gaussian(next) * 0.2;
      rows.push([r * Math.cos(angle), r * Math.sin(angle), gaussian(next), next() * 2 - 1, arms[arm]]);
    }
  }
  // Shuffle so that the file is not ordered by class.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const lines = ['x1,x2,noise1,noise2,label'];
  for (const row of rows) lines.push([...row.slice(0, 4).map((v) => v.toFixed(5)), row[4]].join(','));
  return lines.join('\n') + '\n';
}

/**
 * Machine-condition readings: the demo's dataset. Mixed units, a categorical column and a few missing
 * readings, like a real log; the condition depends on the readings smoothly enough for a small MLP to learn
 * it within a range test, so the loss curve has a clear fall and a clear divergence.
 */
function sensors() {
  const next = random(7);
  const lines = ['temperature_c,pressure_kpa,vibration_mm_s,humidity_pct,rpm,line,condition'];
  const lineEffect = { A: 0, B: 0.6, C: -0.4 };
  for (let i = 0; i < 4000; i++) {
    const line = ['A', 'B', 'C'][Math.floor(next() * 3)];
    const temperature = 60 + 12 * gaussian(next);
    const pressure = 101 + 4 * gaussian(next);
    const vibration = Math.abs(2.5 + 1.2 * gaussian(next));
    const humidity = 20 + 60 * next();
    const rpm = 1500 + 300 * gaussian(next);
    // Standardised drivers of wear and faults, with one interaction.
    const t = (temperature - 60) / 12;
    const v = (vibration - 2.5) / 1.2;
    const r = (rpm - 1500) / 300;
    const wear = 1.6 * v + 0.8 * t + lineEffect[line] + 0.3 * gaussian(next);
    const fault = 1.4 * t * (v > 0 ? 1 : 0.3) + 1.2 * r - (humidity - 50) / 40 + 0.3 * gaussian(next);
    const condition = fault > 1.2 ? 'faulty' : wear > 0.5 ? 'worn' : 'ok';
    const cell = (value, digits) => (next() < 0.01 ? '' : value.toFixed(digits)); // ~1% missing readings
    lines.push([cell(temperature, 1), cell(pressure, 2), cell(vibration, 3), cell(humidity, 1), cell(rpm, 0), line, condition].join(','));
  }
  return lines.join('\n') + '\n';
}

for (const [name, make] of [['spirals.csv', spirals], ['sensors.csv', sensors]]) {
  const out = join(process.argv[2] ?? here, name);
  writeFileSync(out, make());
  console.log(`wrote ${out}`);
}
