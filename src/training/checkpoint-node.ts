import { mkdir, readFile, rename, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointJson, parseCheckpoint, CheckpointError, JSON_FILE, WEIGHTS_FILE, type Checkpoint } from './checkpoint';

/**
 * Checkpoints on disk (Node): a folder with model.json and weights.bin. Files are written to a
 * temporary name and renamed, so an interrupted save never leaves a half-written checkpoint.
 */
export async function writeCheckpointDir(dir: string, ckpt: Checkpoint): Promise<void> {
  await mkdir(dir, { recursive: true });
  const json = JSON.stringify(checkpointJson(ckpt), null, 1);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const jsonPath = join(dir, JSON_FILE);
  await writeFile(`${weightsPath}.tmp`, new Uint8Array(ckpt.data));
  await writeFile(`${jsonPath}.tmp`, json);
  await rename(`${weightsPath}.tmp`, weightsPath);
  await rename(`${jsonPath}.tmp`, jsonPath);
}

export async function checkpointExists(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, JSON_FILE));
    return true;
  } catch {
    return false;
  }
}

export async function readCheckpointDir(dir: string): Promise<Checkpoint> {
  let jsonText: string;
  let bytes: Buffer;
  try {
    jsonText = await readFile(join(dir, JSON_FILE), 'utf8');
  } catch (e) {
    throw new CheckpointError(`cannot read ${join(dir, JSON_FILE)}: ${(e as Error).message}`);
  }
  try {
    bytes = await readFile(join(dir, WEIGHTS_FILE));
  } catch (e) {
    throw new CheckpointError(`cannot read ${join(dir, WEIGHTS_FILE)}: ${(e as Error).message}`);
  }
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parseCheckpoint(jsonText, data);
}
