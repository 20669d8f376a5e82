import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CheckpointError } from '../training/checkpoint';

/** A wrong flag: the tool prints the message and its usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Runs a tool's main() when the module is the program (not when a test imports it): a usage
 * error exits 2 with the usage text, a refused checkpoint exits 1 with its message, anything
 * else exits 1 with the stack.
 */
export function runCli(moduleUrl: string, name: string, usage: string, main: () => Promise<void>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  main().catch((e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${name}: ${e.message}\n\n${usage}\n`);
      process.exit(2);
    }
    if (e instanceof CheckpointError) {
      process.stderr.write(`${name}: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`${name}: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
