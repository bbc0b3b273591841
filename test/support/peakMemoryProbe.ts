// Loaded with `node --require` in front of the CLI by the hostile-input tests: on exit, writes the process's
// peak resident memory (bytes, worker threads included) and the CPU seconds it used to $CLR_PEAK_RSS_FILE as
// JSON. A process killed by the kernel or aborted by V8 writes nothing, which the tests report as such.
import { writeFileSync } from 'node:fs';

const target = process.env.CLR_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ peakBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
  });
}
