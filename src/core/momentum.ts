// Whether a scheduler may cycle momentum with the user's optimizer, and why not when it may not: CyclicLR raises
// for Adam before torch 2.3, and cycling "momentum" switches it on for plain SGD and RMSprop.

import { OptimizerName } from './types';

/** The first torch release whose CyclicLR cycles Adam's beta1 instead of raising (pytorch/pytorch#113548). */
export const TORCH_CYCLIC_BETA1_VERSION = '2.3';

export function versionAtLeast(version: string | undefined, minimum: string): boolean {
  if (!version) return false;
  const a = version.split(/[.+a-z-]/i).map((p) => parseInt(p, 10) || 0);
  const b = minimum.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export interface MomentumPlan {
  cycle: boolean;
  /** Why, as a short comment (empty when nothing needs saying). */
  note: string;
}

export function momentumPlan(kind: 'cyclic' | 'onecycle', requested: boolean, optimizer: OptimizerName | undefined, torchVersion: string | undefined): MomentumPlan {
  if (!requested) return { cycle: false, note: '' };
  switch (optimizer) {
    case 'adam':
    case 'adamw':
      if (kind === 'onecycle') return { cycle: true, note: "cycles Adam's beta1 (betas[0]) inversely to the rate" };
      if (versionAtLeast(torchVersion, TORCH_CYCLIC_BETA1_VERSION)) return { cycle: true, note: `torch ${torchVersion}: cycles Adam's beta1 (betas[0])` };
      return { cycle: false, note: `Adam has no \`momentum\`: CyclicLR raises with cycle_momentum=True before torch ${TORCH_CYCLIC_BETA1_VERSION}` };
    case 'rmsprop':
      return { cycle: false, note: "RMSprop's `momentum` (default 0) is another knob: cycling would switch it on" };
    case 'sgd':
      return { cycle: false, note: 'SGD built with momentum=0: cycling would silently turn momentum on' };
    case 'momentum':
    case 'nesterov':
      return { cycle: true, note: 'momentum moves opposite to the rate' };
    case undefined:
      return {
        cycle: true,
        note: kind === 'cyclic'
          ? `needs SGD(momentum>0); use False for plain SGD, RMSprop, or Adam on torch < ${TORCH_CYCLIC_BETA1_VERSION}`
          : 'needs SGD(momentum>0) or Adam (beta1); use False for plain SGD or RMSprop',
      };
  }
}
