/**
 * What the quiver plot of <diffusion-score-field> shows, computed with src/toy2d: grey dots of the
 * data, the learned and the true arrows on the grid (σ·s, see src/toy2d/score-comparison.ts) and
 * how well the two agree; and the plot drawn from them (./quiver-plot.ts).
 */
import { Rng } from '../../data/rng';
import type { ToyDatasetName } from '../../toy2d/datasets';
import { fieldGrid } from '../../toy2d/field-compare';
import type { NoiseProcess } from '../../toy2d/noising';
import {
  learnedScoreField,
  sampleToyData,
  scoreAgreement,
  toyMixture,
  trueScoreField,
  type ScoreModel,
  type ToyData,
} from '../../toy2d/score-comparison';
import { formatNumber } from '../base/format';
import { quiverPlot, type QuiverPlotScales } from './quiver-plot';
import type { ScoreFieldShown } from './settings';
import { DOMAIN, GRID, formatT, plotDescription } from './view';

/** Grey dots of the data on the plot. */
const DATA_DOTS = 600;

/** What the plot shows besides the fields. */
export interface PlotView {
  dataset: ToyDatasetName;
  field: ScoreFieldShown;
  /** The noise level shown (at least the process's t_min). */
  t: number;
  process: NoiseProcess;
  /** The learner's points when the data set is "drawn", and the keyboard cross when it shows. */
  drawn: Float32Array | null;
  cursor: [number, number] | null;
  particles: Float32Array | null;
  trajectories: Float32Array[];
  /** Training steps of the model, for the description. */
  step: number;
}

export class PlotFields {
  readonly grid = fieldGrid(DOMAIN[0], DOMAIN[1], GRID);
  dataDots: Float32Array = new Float32Array(0);
  learned: Float32Array | null = null;
  truth: Float32Array | null = null;
  /** Mean cosine similarity of learned and true arrows on the grid (NaN without both). */
  cosineGrid = Number.NaN;
  /** The same at samples of the noised data p_t. */
  cosineData = Number.NaN;

  /** New dots for the data (seeded); none until a point is drawn. */
  sampleData(data: ToyData, seed: number): void {
    const empty = data.dataset === 'drawn' && data.drawn.length < 2;
    this.dataDots = empty ? new Float32Array(0) : sampleToyData(data, DATA_DOTS, new Rng(seed + 7));
  }

  /**
   * Both arrow fields at t and their agreement; without a model, no learned arrows. When the model
   * throws, the learned arrows and the numbers stay as they were and the error is passed on.
   */
  refresh(data: ToyData, model: ScoreModel | null, t: number, process: NoiseProcess, seed: number): void {
    const m = toyMixture(data);
    this.truth = m ? trueScoreField(m, this.grid, t, process) : null;
    if (!model) {
      this.learned = null;
      this.cosineGrid = Number.NaN;
      this.cosineData = Number.NaN;
      return;
    }
    const learned = learnedScoreField(model, this.grid, t, process);
    this.learned = learned;
    const truth = this.truth;
    const agreement = m && truth ? scoreAgreement(model, m, { learned, truth }, t, process, seed) : { grid: Number.NaN, data: Number.NaN };
    this.cosineGrid = agreement.grid;
    this.cosineData = agreement.data;
  }

  draw(svg: SVGSVGElement, v: PlotView): QuiverPlotScales {
    const showLearned = v.field !== 'true';
    const showTrue = v.field !== 'learned';
    return quiverPlot(svg, {
      domain: DOMAIN,
      grid: this.grid,
      cell: (DOMAIN[1] - DOMAIN[0]) / GRID,
      learned: showLearned ? this.learned : null,
      truth: showTrue ? this.truth : null,
      data: this.dataDots,
      drawn: v.drawn,
      particles: v.particles,
      trajectories: v.trajectories.length > 1 ? v.trajectories : null,
      cursor: v.cursor,
      title: `Score field at t = ${formatT(v.t)} (σ = ${formatNumber(v.process.sigma(v.t))})`,
      description: plotDescription({
        dataset: v.dataset,
        t: v.t,
        learnedAfter: this.learned ? v.step : null,
        hasTruth: this.truth !== null,
        cosineGrid: this.cosineGrid,
        cosineData: this.cosineData,
        particles: v.particles ? v.particles.length / 2 : null,
        drawn: v.drawn ? v.drawn.length / 2 : 0,
      }),
    });
  }
}
