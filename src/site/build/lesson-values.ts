/**
 * Numbers that lessons quote from the code, computed when the pages are built so the prose can
 * never drift from the model: a lesson writes `{{ unet.small.params }}` and the page shows the
 * count `describeUNet` gives for the shipped preset. Pure: no tfjs, no file system.
 */
import { PRESETS, PRESET_NAMES, workingSize, type PresetName } from '../../model/config';
import { LIVE_RECIPE, liveBatchSize } from '../../training/live-recipe';
import { describeUNet, type UNetDescription } from '../../model/describe';
import { BETA_SCHEDULES } from '../../diffusion/config';
import { scheduleCurves } from '../../diffusion/curves';
import { unetDiagram } from './unet-diagram';
import { ADAM_BETA2, EMA_DECAY, EMA_WARMUP, GRAD_CLIP_NORM, TRAIN_TIMESTEPS, warmupStepsFor } from '../../lab/browser/train-settings';

export type LessonValues = ReadonlyMap<string, string>;

/** Thousands with a comma, as English prose writes them: 163,881. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** "a", "a and b", "a, b and c". */
export function listInProse(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Millions with one decimal: 28.1. */
export function formatMillions(n: number): string {
  return (n / 1e6).toFixed(1);
}

/**
 * A number for a formula, to three significant digits: 0.524, 0.0786, and small values in
 * scientific notation as TeX (4.04 \times 10^{-5}), since they are read inside `$…$`.
 */
export function formatTexNumber(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 0.001) return String(Number(x.toPrecision(3)));
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  const mantissa = Number((x / 10 ** exponent).toPrecision(3));
  return `${mantissa} \\times 10^{${exponent}}`;
}

/** Timesteps (the papers' 1-based t, with T = 1000) at which lessons may quote ᾱ_t. */
export const QUOTED_TIMESTEPS = [1, 10, 50, 100, 250, 500, 750, 1000] as const;

/**
 * Every value a lesson may quote. Keys:
 *   schedule.<beta_schedule>.alpha-bar-<t>       ᾱ_t (T = 1000, default β range), TeX number
 *   schedule.<beta_schedule>.sqrt-alpha-bar-<t>  √ᾱ_t, TeX number
 *   schedule.<beta_schedule>.final-alpha-bar-100 ᾱ_T with T = 100 (same β range), TeX number
 *   schedule.<beta_schedule>.final-sqrt-alpha-bar-100   √ᾱ_T with T = 100: the signal's amplitude, TeX number
 *   schedule.<beta_schedule>.final-variance-lost-100    1 − ᾱ_T with T = 100 as a share: "64 %"
 *   schedule.<beta_schedule>.half-t              first t with ᾱ_t < 1/2
 *   schedule.<beta_schedule>.one-percent-t       first t with ᾱ_t < 0.01
 *   unet.<preset>.params        parameter count
 *   unet.<preset>.mflops        forward-pass MFLOPs per 28×28 image
 *   unet.<preset>.base-channels, .levels, .resolutions, .time-embed-dim, .groups, .attention
 *   unet.<preset>.channels-per-level   "8, 16 and 32"
 *   unet.<preset>.params-share-<side>  share of the parameters in layers with side×side outputs, "74 %"
 *   unet.<preset>.table         Markdown table: the network's parts, resolutions, channels, parameters
 *   unet.<preset>.diagram       the network drawn as an inline SVG figure (unet-diagram.ts)
 *   unet.presets-table          Markdown table comparing the presets
 *   train.timesteps, train.ema-decay, train.ema-warmup, train.adam-beta2, train.grad-clip-norm, train.max-warmup-steps
 *                               the settings the in-page training uses (src/lab/browser/train-settings.ts)
 *   train.batch-size            "32 per worker", the live batch (train.batch-size-2-workers: with two)
 *   train.preset, train.learning-rate, train.steps, train.beta-schedule,
 *   train.prediction-type       the live recipe the trainer widget starts with (src/training/live-recipe.ts)
 */
export function lessonValues(): LessonValues {
  const values = new Map<string, string>();
  values.set('train.timesteps', String(TRAIN_TIMESTEPS));
  values.set('train.ema-decay', String(EMA_DECAY));
  values.set('train.ema-warmup', String(EMA_WARMUP));
  values.set('train.adam-beta2', String(ADAM_BETA2));
  values.set('train.grad-clip-norm', String(GRAD_CLIP_NORM));
  values.set('train.max-warmup-steps', String(warmupStepsFor(Number.MAX_SAFE_INTEGER)));
  values.set('train.preset', LIVE_RECIPE.preset);
  values.set('train.batch-size', `${LIVE_RECIPE.batchPerWorker} per worker`);
  values.set('train.batch-size-2-workers', String(liveBatchSize(2)));
  values.set('train.learning-rate', String(LIVE_RECIPE.learningRate));
  values.set('train.steps', formatCount(LIVE_RECIPE.steps));
  values.set('train.beta-schedule', LIVE_RECIPE.scheduler.betaSchedule);
  values.set('train.prediction-type', LIVE_RECIPE.scheduler.predictionType);
  for (const schedule of BETA_SCHEDULES) {
    // ᾱ_t in the papers' 1-based t is alphasCumprod[t − 1] (diffusers' timestep t − 1).
    const alphaBar = scheduleCurves({ betaSchedule: schedule, numTrainTimesteps: 1000 }).alphasCumprod;
    const prefix = `schedule.${schedule}`;
    for (const t of QUOTED_TIMESTEPS) {
      values.set(`${prefix}.alpha-bar-${t}`, formatTexNumber(alphaBar[t - 1]));
      values.set(`${prefix}.sqrt-alpha-bar-${t}`, formatTexNumber(Math.sqrt(alphaBar[t - 1])));
    }
    values.set(`${prefix}.half-t`, String(alphaBar.findIndex((a) => a < 0.5) + 1));
    // ᾱ at the last step when the same β range is spread over only 100 steps.
    const short = scheduleCurves({ betaSchedule: schedule, numTrainTimesteps: 100 }).alphasCumprod;
    const shortFinal = short[short.length - 1];
    values.set(`${prefix}.final-alpha-bar-100`, formatTexNumber(shortFinal));
    // x_t = √ᾱ·x_0 + √(1−ᾱ)·ε: the amplitude keeps √ᾱ, the signal's share of the variance ᾱ.
    values.set(`${prefix}.final-sqrt-alpha-bar-100`, formatTexNumber(Math.sqrt(shortFinal)));
    values.set(`${prefix}.final-variance-lost-100`, `${Math.round(100 * (1 - shortFinal))} %`);
    values.set(`${prefix}.one-percent-t`, String(alphaBar.findIndex((a) => a < 0.01) + 1));
  }
  const rows: string[] = [];
  for (const name of PRESET_NAMES as readonly PresetName[]) {
    const config = PRESETS[name];
    const description = describeUNet(config);
    const prefix = `unet.${name}`;
    // A patch stem (patchSize 2) runs the first level at 14×14.
    const resolutions = config.channelMults.map((_, level) => workingSize(config) / 2 ** level);
    values.set(`${prefix}.params`, formatCount(description.params));
    values.set(`${prefix}.mflops`, formatMillions(description.flopsPerImage));
    values.set(`${prefix}.base-channels`, String(config.baseChannels));
    values.set(`${prefix}.channels-per-level`, listInProse(config.channelMults.map((m) => String(m * config.baseChannels))));
    values.set(`${prefix}.levels`, String(config.channelMults.length));
    values.set(`${prefix}.resolutions`, resolutions.map((side) => `${side}×${side}`).join(', '));
    values.set(`${prefix}.time-embed-dim`, String(config.timeEmbedDim));
    values.set(`${prefix}.groups`, String(config.groups));
    values.set(`${prefix}.attention`, config.attention ? 'yes' : 'no');
    values.set(`${prefix}.table`, partsTable(description));
    values.set(
      `${prefix}.diagram`,
      unetDiagram(
        config,
        `The <em>${name}</em> U-Net, drawn from the plan the network is built from: a box per block with its output channels, ` +
          'one row per resolution, arcs for the skip connections (concatenated into the up path), dashed lines for the time embedding.',
      ),
    );
    // Where the parameters sit: share of all parameters in layers whose output has each side.
    for (const side of resolutions) {
      const atSide = description.layers.filter((l) => l.shape.length === 3 && l.shape[0] === side).reduce((sum, l) => sum + l.params, 0);
      values.set(`${prefix}.params-share-${side}`, `${Math.round((100 * atSide) / description.params)} %`);
    }
    rows.push(
      `| \`${name}\` | ${config.channelMults.map((m) => m * config.baseChannels).join(' → ')} | ` +
        `${resolutions.join(', ')} | ${config.attention ? 'yes' : 'no'} | ${formatCount(description.params)} | ` +
        `${formatMillions(description.flopsPerImage)} |`,
    );
  }
  values.set(
    'unet.presets-table',
    [
      '| Preset | Channels per level | Resolutions | Attention | Parameters | MFLOPs per image |',
      '| --- | --- | --- | --- | ---: | ---: |',
      ...rows,
    ].join('\n'),
  );
  return values;
}

/**
 * The layers grouped into the network's parts (the embeddings, each level on the way down, the
 * middle, each level on the way up, the output head), so a lesson table stays short. Each part
 * shows the resolution it works at and the channels its convolutions produce.
 */
function partsTable(description: UNetDescription): string {
  interface Part {
    params: number;
    flops: number;
    size: string;
    channels: number;
  }
  const parts = new Map<string, Part>();
  for (const layer of description.layers) {
    const key = groupName(layer.name);
    let part = parts.get(key);
    if (!part) {
      const map = layer.shape.length === 3;
      part = { params: 0, flops: 0, size: map ? `${layer.shape[0]}×${layer.shape[1]}` : '–', channels: map ? 0 : layer.shape[0] };
      parts.set(key, part);
    }
    part.params += layer.params;
    part.flops += layer.flops;
    if (layer.shape.length === 3 && /conv/.test(layer.name)) part.channels = layer.shape[2];
  }
  const lines = ['| Part | Resolution | Channels | Parameters | MFLOPs |', '| --- | --- | ---: | ---: | ---: |'];
  for (const [name, part] of parts) {
    lines.push(`| ${name} | ${part.size} | ${part.channels} | ${formatCount(part.params)} | ${formatMillions(part.flops)} |`);
  }
  lines.push(`| **Total** | | | **${formatCount(description.params)}** | **${formatMillions(description.flopsPerImage)}** |`);
  return lines.join('\n');
}

/**
 * The part of the network a layer belongs to, named for a reader: "down.1.res.0.conv1" →
 * "Down, level 1". The U-Net plan names layers `time.*`, `label`, `in.*`, `down.<level>.*`,
 * `mid.*`, `up.<level>.*` and `out.*` (src/model/plan.ts).
 */
function groupName(layerName: string): string {
  const [head, level] = layerName.split('.');
  switch (head) {
    case 'time':
      return 'Timestep embedding';
    case 'label':
      return 'Label embedding';
    case 'in':
      return 'Input convolution';
    case 'down':
      return `Down, level ${level}`;
    case 'mid':
      return 'Middle';
    case 'up':
      return `Up, level ${level}`;
    case 'out':
      return 'Output head';
    default:
      return head;
  }
}

/** Replaces every `{{ key }}` in a lesson with its value; an unknown key is an error. */
export function substituteValues(source: string, values: LessonValues, fail: (message: string) => never): string {
  return source.replace(/\{\{\s*([a-z0-9][a-z0-9._-]*)\s*\}\}/g, (_, key: string) => {
    const value = values.get(key);
    if (value === undefined) fail(`unknown value {{ ${key} }}; known: ${[...values.keys()].join(', ')}`);
    return value;
  });
}
