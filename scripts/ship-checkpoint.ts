/**
 * Copies a training run's model checkpoint (EMA weights + manifest) into assets/ for the browser,
 * after checking it (hash, byte count, format). The training state (state/) stays behind.
 *
 *   npx tsx scripts/ship-checkpoint.ts [FROM=checkpoints/mnist-small] [TO=assets/checkpoints/mnist-small]
 */
import { readCheckpointDir, writeCheckpointDir } from '../src/training/checkpoint-node';

const from = process.argv[2] ?? 'checkpoints/mnist-small';
const to = process.argv[3] ?? 'assets/checkpoints/mnist-small';
const ckpt = await readCheckpointDir(from);
if (ckpt.manifest.weights !== 'ema') throw new Error(`${from} holds ${ckpt.manifest.weights} weights, expected the EMA model`);
await writeCheckpointDir(to, ckpt);
const mb = (ckpt.data.byteLength / 1e6).toFixed(2);
process.stdout.write(`shipped ${from} → ${to}: step ${ckpt.manifest.training.steps}, ${mb} MB, sha256 ${ckpt.manifest.contentHash.slice(0, 16)}…\n`);
