import type { RangeTestResult } from '../../core/types';

// A run as CSV: one row per step. NaN/Infinity losses (a diverged end) are written as "nan"/"inf", which
// pandas.read_csv and numpy.genfromtxt both read back as floats.

function cell(value: number | null | undefined): string {
  if (value === undefined) return '';
  if (value === null || Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

export function runToCsv(result: RangeTestResult): string {
  const hasSpread = result.spread !== undefined;
  const valByStep = new Map<number, number>((result.valLosses ?? []).map(([step, loss]) => [step, loss]));
  const header = ['step', 'lr', 'loss', 'smoothed', ...(hasSpread ? ['spread'] : []), ...(valByStep.size ? ['val_loss'] : [])];
  const rows = [header.join(',')];
  for (let i = 0; i < result.lrs.length; i++) {
    const row = [String(i), cell(result.lrs[i]), cell(result.losses[i]), cell(result.smoothed[i])];
    if (hasSpread) row.push(cell(result.spread?.[i]));
    if (valByStep.size) row.push(valByStep.has(i) ? cell(valByStep.get(i)) : '');
    rows.push(row.join(','));
  }
  return rows.join('\n') + '\n';
}

/** The bytes of a `data:image/png;base64,…` URL (already validated by the protocol). */
export function pngBytesFromDataUrl(dataUrl: string): Uint8Array {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return Uint8Array.from(Buffer.from(base64, 'base64'));
}
