// CosineAnnealingWarmRestarts (SGDR) and CosineAnnealingLR, iterated the way PyTorch iterates them.

import type { CosineSpec, ScheduleValues, SgdrSpec } from './spec';

export function sgdr(spec: SgdrSpec, steps: number): ScheduleValues {
  const warnings: string[] = [];
  const t0 = spec.t0;
  const tMult = spec.tMult ?? 1;
  const etaMin = spec.etaMin ?? 0;
  const baseLr = spec.maxLr;
  if (etaMin >= baseLr) warnings.push(`eta_min (${etaMin}) is not below the peak rate (${baseLr})`);
  const at = (tCur: number, tI: number) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;

  const lr = new Array<number>(steps);
  // Construction calls step() once with epoch 0: T_cur = 0, T_i = T_0.
  let tCur = 0;
  let tI = t0;
  lr[0] = at(tCur, tI);
  const perBatch = spec.stepsPerEpoch;
  for (let t = 1; t < steps; t++) {
    if (perBatch === undefined) {
      // step() with no epoch: the recursive form.
      tCur = tCur + 1;
      if (tCur >= tI) {
        tCur = tCur - tI;
        tI = tI * tMult;
      }
    } else {
      // The t-th call is scheduler.step(epoch + (i + 1) / iters) for batch i of epoch: the closed form.
      const e = Math.floor((t - 1) / perBatch);
      const i = (t - 1) % perBatch;
      const epoch = e + (i + 1) / perBatch;
      if (epoch >= t0) {
        if (tMult === 1) {
          tCur = pyMod(epoch, t0);
        } else {
          // int(math.log(x, base)) is log(x) / log(base) truncated, as in CPython.
          const n = Math.trunc(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));
          tCur = epoch - (t0 * (tMult ** n - 1)) / (tMult - 1);
          tI = t0 * tMult ** n;
        }
      } else {
        tI = t0;
        tCur = epoch;
      }
    }
    lr[t] = at(tCur, tI);
  }
  return { lr, momentum: null, warnings };
}

// Python's float % (result has the divisor's sign); for non-negative operands it equals JS %, kept for clarity.
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

export function cosine(spec: CosineSpec, steps: number): ScheduleValues {
  const warnings: string[] = [];
  const etaMin = spec.etaMin ?? 0;
  const baseLr = spec.maxLr;
  const tMax = spec.tMax;
  if (etaMin >= baseLr) warnings.push(`eta_min (${etaMin}) is not below the starting rate (${baseLr})`);
  if (steps > tMax + 1) warnings.push(`past T_max (${tMax}) CosineAnnealingLR rises again: it is periodic with period ${2 * tMax}`);
  const lr = new Array<number>(steps);
  lr[0] = baseLr;
  // PyTorch's chainable (recursive) form; each value is computed from the previous one.
  for (let t = 1; t < steps; t++) {
    const prev = lr[t - 1];
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      lr[t] = prev + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    } else {
      lr[t] = ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (prev - etaMin) + etaMin;
    }
  }
  return { lr, momentum: null, warnings };
}
