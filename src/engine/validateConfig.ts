// Checks a RangeTestConfig before any work starts; every problem is a UserError naming the setting.
import { rangeTestConfigProblem } from '../core/configProblem';
import { UserError } from '../core/errors';
import { RangeTestConfig } from '../core/types';

export function validateConfig(config: RangeTestConfig): void {
  const problem = rangeTestConfigProblem(config);
  if (problem !== null) throw new UserError(`--${problem.flag}: ${problem.message}`, { hint: problem.hint });
}
