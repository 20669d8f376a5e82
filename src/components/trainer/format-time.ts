/** Durations and rates as the trainer prints them: short, and honest about "not known yet". */

/** "under 1 s", "42 s", "3 min 05 s", "1 h 07 min"; "–" when unknown (NaN, ∞ or negative). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return 'under 1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "12.3 steps/s", "0.42 steps/s" (two significant digits below 1); "–" before the first measurement. */
export function formatRate(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '–';
  const text = stepsPerSecond >= 10 ? stepsPerSecond.toFixed(1) : stepsPerSecond >= 1 ? stepsPerSecond.toFixed(2) : stepsPerSecond.toPrecision(2);
  return `${text} steps/s`;
}

/** A count with thousands separators in a fixed locale, so pages and tests agree: 39,289. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–';
}
