/**
 * Where a checkpoint's two files come from in a browser: a URL (the shipped model, the reference
 * classifier, a model someone published) or files the user picked. Every source ends in
 * `parseCheckpoint`, which checks format, sizes and the content hash.
 */
import { CheckpointError, JSON_FILE, WEIGHTS_FILE, parseCheckpoint, type Checkpoint } from '../../training/checkpoint';

/** The model.json URL for a URL that names either the file or its folder (ending in '/'). */
export function checkpointJsonUrl(url: string): URL {
  const base = typeof location !== 'undefined' ? location.href : undefined;
  const u = new URL(url, base);
  if (u.pathname.endsWith('/')) u.pathname += JSON_FILE;
  return u;
}

async function fetchOrExplain(url: URL, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url.href);
  } catch (e) {
    throw new CheckpointError(`could not fetch ${what} ${url.href}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return response;
}

/** A development server answers unknown paths with its HTML page; that is "nothing there" too. */
function isMissing(response: Response): boolean {
  return response.status === 404 || (response.headers.get('content-type') ?? '').includes('text/html');
}

/**
 * Fetches and checks a checkpoint. Resolves to null when there is nothing at the URL (404, or a
 * server's HTML fallback page); rejects with a CheckpointError for anything broken.
 */
export async function fetchCheckpoint(url: string): Promise<Checkpoint | null> {
  const jsonUrl = checkpointJsonUrl(url);
  const jsonResponse = await fetchOrExplain(jsonUrl, 'the checkpoint');
  if (isMissing(jsonResponse)) return null;
  if (!jsonResponse.ok) throw new CheckpointError(`could not load ${jsonUrl.href}: HTTP ${jsonResponse.status} ${jsonResponse.statusText}`);
  const text = await jsonResponse.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${jsonUrl.href} is not valid JSON (${(e as Error).message}); the file is corrupt or not a checkpoint`);
  }
  const path = (json as { weightsManifest?: Array<{ paths?: unknown }> })?.weightsManifest?.[0]?.paths;
  const weightsName = Array.isArray(path) && typeof path[0] === 'string' ? path[0] : WEIGHTS_FILE;
  const weightsUrl = new URL(weightsName, jsonUrl);
  const weightsResponse = await fetchOrExplain(weightsUrl, 'the weights');
  if (isMissing(weightsResponse) || !weightsResponse.ok) {
    throw new CheckpointError(`${jsonUrl.href} was found but its weights ${weightsUrl.href} could not be loaded (HTTP ${weightsResponse.status})`);
  }
  return parseCheckpoint(json, await weightsResponse.arrayBuffer());
}

/** A checkpoint from files the user picked: one .json and one weights file. */
export async function checkpointFromFiles(files: readonly File[]): Promise<Checkpoint> {
  const list = [...files];
  const json = list.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const weights = list.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  if (json.length !== 1 || weights.length !== 1) {
    throw new CheckpointError(
      `pick the two files of a checkpoint, ${JSON_FILE} and ${WEIGHTS_FILE}; got ${list.length ? list.map((f) => f.name).join(', ') : 'no files'}`,
    );
  }
  return parseCheckpoint(await json[0].text(), await weights[0].arrayBuffer());
}
