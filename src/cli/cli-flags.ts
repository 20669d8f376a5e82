import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './run-cli';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `--name value` flags strictly (no positionals, no unknown flags); a malformed command
 * line is a UsageError, so runCli prints the message with the usage and exits 2.
 */
export function parseFlags<const O extends FlagOptions>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Prints the usage to stdout when one of `names` is on the command line; true if it did. */
export function printHelpIf(argv: string[], usage: string, names: readonly string[] = ['--help']): boolean {
  if (!names.some((n) => argv.includes(n))) return false;
  process.stdout.write(`${usage}\n`);
  return true;
}

/** A number flag: `fallback` when absent, otherwise a finite number passing `ok` or a UsageError saying `allowed`. */
export function numFlag<F = number>(name: string, raw: string | undefined, fallback: F, ok: (v: number) => boolean, allowed: string): number | F {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`--${name} must be ${allowed}, got "${raw}"`);
  return v;
}

/** An integer flag ≥ `min`: `fallback` when absent. */
export function intFlag(name: string, raw: string | undefined, fallback: number, min: number): number {
  return numFlag(name, raw, fallback, (v) => Number.isInteger(v) && v >= min, `an integer ≥ ${min}`);
}

/** An integer flag in [min, max]: `fallback` when absent. */
export function intInRangeFlag(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  return numFlag(name, raw, fallback, (v) => Number.isInteger(v) && v >= min && v <= max, `an integer in [${min}, ${max}]`);
}

/** A required string flag: its value, or a UsageError "--name is required". */
export function requiredFlag(name: string, raw: string | undefined): string {
  if (raw === undefined) throw new UsageError(`--${name} is required`);
  return raw;
}
