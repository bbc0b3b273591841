// Renders the settings table of README.md from package.json's contributes.configuration, between the
// <!-- settings:start --> and <!-- settings:end --> markers. `node scripts/settings-table.mjs --check`
// exits 1 when the README is out of date (the unit tests run that check).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

export function settingsTable(pkg) {
  const all = Object.entries(pkg.contributes.configuration.properties);
  const current = all.filter(([, p]) => !p.deprecationMessage);
  const renamed = all
    .filter(([, p]) => p.deprecationMessage)
    .map(([key, p]) => {
      const target = /^Renamed to (cyclicalLr\.\w+)/.exec(p.deprecationMessage)?.[1];
      return target ? `\`${key}\` → \`${target}\`` : `\`${key}\` (${p.deprecationMessage})`;
    });
  const rows = current.map(([key, p]) => {
    const text = (p.markdownDescription ?? p.description ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ');
    const choices = p.enum ? ` One of ${p.enum.map((v) => `\`${v}\``).join(', ')}.` : '';
    const def = p.default === undefined || p.default === '' ? '' : `\`${JSON.stringify(p.default)}\``;
    return `| \`${key}\` | ${def} | ${text}${choices} |`;
  });
  const table = ['| setting | default | what it does |', '|---|---|---|', ...rows].join('\n');
  if (renamed.length === 0) return table;
  // Deprecated keys are hidden in the Settings editor; the README still says where each one went.
  return `${table}\n\nRenamed in 0.2.0 and still read where the new name is not set, until the next release: ${renamed.join(', ')}.`;
}

export function renderReadme(readme, pkg) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${settingsTable(pkg)}\n${readme.slice(end)}`;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const rendered = renderReadme(readme, pkg);
if (process.argv.includes('--check')) {
  if (rendered !== readme) {
    console.error('README.md settings table is out of date: run node scripts/settings-table.mjs');
    process.exit(1);
  }
} else if (rendered !== readme) {
  writeFileSync(readmePath, rendered);
  console.log('README.md settings table updated');
}
