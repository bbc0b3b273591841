import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// What a person meets in the manifest: the palette's order, no test-only commands, a walkthrough whose
// steps run real commands and show images that ship.

const root = resolve(__dirname, '..', '..', '..', '..');

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, { deprecationMessage?: string }> };
    menus: { commandPalette: Array<{ command: string; when: string }> };
    walkthroughs: Array<{ steps: Array<{ description: string; media: { image?: string }; completionEvents: string[] }> }>;
  };
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

describe('manifest', () => {
  it('lists no test-only commands (the tests register theirs in test mode)', () => {
    for (const c of pkg.contributes.commands) assert.doesNotMatch(`${c.command} ${c.title}`, /ForTests|tests only/i);
  });

  it('puts "Open Range Test Panel" first among the commands the palette always shows', () => {
    const hidden = new Set(pkg.contributes.menus.commandPalette.map((m) => m.command));
    // The palette sorts by "category: title".
    const always = pkg.contributes.commands.filter((c) => !hidden.has(c.command)).map((c) => `${c.category}: ${c.title}`).sort((a, b) => a.localeCompare(b));
    assert.equal(always[0], 'Cyclical LR: Open Range Test Panel');
  });

  it('has a walkthrough whose steps run declared commands and show images that ship', () => {
    const declared = new Set(pkg.contributes.commands.map((c) => c.command));
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.equal(walkthrough.steps.length, 3);
    for (const step of walkthrough.steps) {
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(declared.has(command), command);
      for (const event of step.completionEvents) assert.ok(declared.has(event.replace(/^onCommand:/, '')), event);
      assert.ok(step.media.image && existsSync(join(root, step.media.image)), `${step.media.image} exists`);
    }
  });

  it('gives every setting a title, as the Settings editor derives it from the key, spelled as people write it', () => {
    // VS Code's rule: the key's last segment, camelCase split into words, first letter capitalised.
    // Deprecated keys are hidden there unless set, so their titles are not checked.
    const title = (key: string) =>
      (key.split('.').pop() as string).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^[a-z]/, (c) => c.toUpperCase());
    const shown = Object.entries(pkg.contributes.configuration.properties).filter(([, p]) => !p.deprecationMessage);
    assert.deepEqual(
      shown.map(([key]) => title(key)),
      [
        'Model',
        'Optimizer',
        'Start Learning Rate',
        'End Learning Rate',
        'Iterations',
        'Batch Size',
        'Step Mode',
        'Runs',
        'Backend',
        'Smoothing',
        'Divergence Factor',
        'Python Path',
        'Torch Device',
        'Torch Gradient Accumulation',
        'Terminal Python Path',
        'Torch Mixed Precision',
      ],
    );
  });
});
