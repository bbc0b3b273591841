import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RENAMED_SETTINGS, renamedSettingValue } from '../../../src/core/renamedSettings';

const root = resolve(__dirname, '..', '..', '..', '..');

interface Property {
  type: string;
  default?: unknown;
  deprecationMessage?: string;
  markdownDeprecationMessage?: string;
}
const properties = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Property> } };
}).contributes.configuration.properties;

describe('renamed settings', () => {
  it('uses the new key when the user set it, and otherwise the old key the user set', () => {
    assert.equal(renamedSettingValue({ defaultValue: 10, globalValue: 3 }, { globalValue: 5 }), 3);
    assert.equal(renamedSettingValue({ defaultValue: 10 }, { globalValue: 5 }), 5);
    assert.equal(renamedSettingValue({ defaultValue: 10 }, { workspaceFolderValue: 7 }), 7);
  });

  it('falls back to the new key\'s default when neither key is set', () => {
    assert.equal(renamedSettingValue({ defaultValue: 10 }, {}), 10);
    assert.equal(renamedSettingValue({ defaultValue: 10 }, undefined), 10);
    assert.equal(renamedSettingValue(undefined, undefined), undefined);
  });

  it('keeps VS Code\'s order of levels: an old workspace value still beats a new user value', () => {
    assert.equal(renamedSettingValue({ defaultValue: 10, globalValue: 3 }, { workspaceValue: 5 }), 5);
    assert.equal(renamedSettingValue({ defaultValue: 10, workspaceValue: 3 }, { workspaceValue: 5 }), 3);
    assert.equal(renamedSettingValue({ defaultValue: 10, workspaceValue: 3 }, { workspaceFolderValue: 8 }), 8);
    assert.equal(renamedSettingValue({ defaultValue: 10, workspaceFolderValue: 2 }, { workspaceFolderValue: 8, globalValue: 1 }), 2);
  });

  it('keeps a user value that equals the default or is falsy', () => {
    assert.equal(renamedSettingValue<boolean>({ defaultValue: false, globalValue: false }, { globalValue: true }), false);
    assert.equal(renamedSettingValue<boolean>({ defaultValue: false }, { globalValue: false }), false);
  });

  for (const [current, old] of Object.entries(RENAMED_SETTINGS)) {
    it(`declares cyclicalLr.${current} and deprecates cyclicalLr.${old} in package.json`, () => {
      const now = properties[`cyclicalLr.${current}`];
      const before = properties[`cyclicalLr.${old}`];
      assert.ok(now, `cyclicalLr.${current} is declared`);
      assert.ok(before, `cyclicalLr.${old} is still declared, so settings.json does not flag it as unknown`);
      assert.equal(now.deprecationMessage, undefined);
      assert.notEqual(now.default, undefined, 'the new key has the default');
      const types = (type: unknown) => [type].flat();
      assert.ok(types(before.type).every((t) => types(now.type).includes(t)), 'the new key accepts what the old one accepted');
      assert.match(before.deprecationMessage ?? '', new RegExp(`cyclicalLr\\.${current}\\b`));
      assert.match(before.markdownDeprecationMessage ?? '', new RegExp(`#cyclicalLr\\.${current}#`));
    });
  }
});
