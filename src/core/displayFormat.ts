// Numbers and dates as the panel, the status bar and the messages write them, without Intl: the panel's first
// Intl formatter cost 30–60 ms of CPU as it came up (ICU's data), CPU that a first click's range test waits
// for on two cores.

/**
 * A number grouped by thousands, without Intl: an integer exactly as toLocaleString('en-US') writes it
 * (1234567 → "1,234,567"), a fraction to at most 3 decimals (toFixed's rounding, which can differ from
 * Intl's in the last digit on a tie).
 */
export function groupThousands(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return String(value);
  const [whole, fraction] = String(Number(value.toFixed(3))).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** When a run was made, in local time: 2026-12-03 14:37. */
export function formatWhen(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
