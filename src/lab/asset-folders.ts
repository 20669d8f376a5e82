/**
 * Where the lab's shipped files live inside the assets folder. Plain data, so the page (which must
 * not load tfjs) and the workers read the same names.
 */

/** The shipped pixel-space U-Net checkpoint. */
export const SHIPPED_CHECKPOINT_DIR = 'checkpoints/mnist-small/';
