import type * as vscode from 'vscode';
import { RENAMED_SETTINGS, renamedSettingValue } from '../core/renamedSettings';

/** A `cyclicalLr.*` setting's value; for a renamed setting, the old key's value where the new one is not set. */
export function readSetting(config: vscode.WorkspaceConfiguration, key: string): unknown {
  const old = RENAMED_SETTINGS[key];
  if (old === undefined) return config.get<unknown>(key);
  return renamedSettingValue(config.inspect<unknown>(key), config.inspect<unknown>(old));
}
