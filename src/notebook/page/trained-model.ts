/**
 * `models.trained()` from the page's side: the checkpoint of the model the page's trainer widget
 * trained, exported by the page's lab as the trainer's "Save" button does (its two files' bytes).
 */
export async function trainedCheckpoint(doc: Document): Promise<{ json: string; weights: ArrayBuffer }> {
  if (!doc.querySelector('diffusion-trainer')) {
    throw new Error('there is no trainer on this page; use models.shipped(), or train a model in the lesson with the trainer');
  }
  const { getLab } = await import('../../lab/browser/lab-client');
  let saved;
  try {
    saved = await getLab().saveCheckpoint('download');
  } catch (error) {
    throw new Error(`the trainer on this page has no model yet (${error instanceof Error ? error.message : String(error)}); press its Train button first`);
  }
  if (!('json' in saved)) throw new Error('the trainer returned no checkpoint files');
  return saved;
}
