/** How widgets print numbers: short, with true minus signs, readable when tiny. */

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** 4 decimals for everyday values (0.7239, 1.0000), scientific when tiny (4.04×10⁻⁵). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return value === -Infinity ? '−∞' : value === Infinity ? '∞' : '–';
  if (value !== 0 && Math.abs(value) < 1e-3) {
    const [mantissa, exponent] = value.toExponential(2).split('e');
    const power = String(Number(exponent)).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
    return `${mantissa.replace('-', '−')}×10${power}`;
  }
  return value.toFixed(Math.abs(value) >= 100 ? 1 : 4).replace('-', '−');
}

/** Three decimals with a true minus sign (and no "−0.000"). */
export function formatStat(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const text = value.toFixed(3);
  return /^-0\.000$/.test(text) ? '0.000' : text.replace('-', '−');
}

const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';

/** A symbol with a subscript number in Unicode, for SVG text and labels: x₂₅₀. */
export function subscript(symbol: string, n: number): string {
  return `${symbol}${String(n).replace(/\d/g, (d) => SUBSCRIPT_DIGITS[Number(d)])}`;
}

/** A wall time: "840 ms", "2.35 s", "12.4 s" ('–' when unknown). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
