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

const out = join(process.argv[2] ?? here, 'spirals.csv');
writeFileSync(out, spirals());
console.log(`wrote ${out}`);
