import { readFileSync } from 'node:fs';

// CPU time the whole machine has spent so far (Linux /proc/stat, where the harness runs): every process of
// the harness together (the window's renderer and browser, code-server, the extension host, the run's
// worker). Unlike a wall-clock time it barely moves when other machines share the host, so two builds'
// CPU per click compare where their times do not.

/** Clock ticks per second of /proc/stat's counters (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU (user, nice, system, interrupts) spent on all cores since boot; NaN off Linux. */
export function machineBusyMs(): number {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return ((user + nice + system + irq + softirq) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
