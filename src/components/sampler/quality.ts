/**
 * What the reference classifier says about a panel's samples: for a labelled panel the share it
 * reads as the requested digit (how well the label, and guidance, steer the samples), and for
 * every panel the mean confidence (the softmax probability of the class it picked) and the digits
 * it saw. With the images at hand, also how varied the samples are (src/eval/diversity.ts), so a
 * guided panel shows both sides of the fidelity–diversity trade-off.
 */

export interface ClassifierOutput {
  labels: ArrayLike<number>;
  confidence: ArrayLike<number>;
}

export interface QualityReport {
  count: number;
  /** The requested label, or null for an unconditional panel. */
  requested: number | null;
  /** Samples classified as the requested label (null when unconditional). */
  correct: number | null;
  accuracy: number | null;
  meanConfidence: number;
  /** How many samples were read as each digit 0–9. */
  classCounts: number[];
  /** Mean pairwise RMS pixel distance of the samples (NaN when not measured). */
  diversity: number;
}

export function qualityOf(output: ClassifierOutput, requested: number | null, diversity = Number.NaN): QualityReport {
  const count = output.labels.length;
  const classCounts = new Array<number>(10).fill(0);
  let confidence = 0;
  for (let i = 0; i < count; i++) {
    const label = output.labels[i];
    if (label >= 0 && label < 10) classCounts[label] += 1;
    confidence += output.confidence[i];
  }
  const correct = requested === null ? null : classCounts[requested] ?? 0;
  return {
    count,
    requested,
    correct,
    accuracy: correct === null || count === 0 ? null : correct / count,
    meanConfidence: count === 0 ? Number.NaN : confidence / count,
    classCounts,
    diversity,
  };
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/**
 * "The reference classifier reads 13 of 16 as a 3 (81 %); mean confidence 0.92." or, for an
 * unlabelled panel, "The reference classifier reads 0 ×2, 1 ×3, …; mean confidence 0.88."
 */
export function describeQuality(r: QualityReport): string {
  const confidence =
    `mean confidence ${Number.isFinite(r.meanConfidence) ? r.meanConfidence.toFixed(2) : '–'}` +
    (Number.isFinite(r.diversity) ? `; diversity ${r.diversity.toFixed(3)} (mean pairwise RMS pixel distance)` : '');
  if (r.requested !== null && r.correct !== null && r.accuracy !== null) {
    return `The reference classifier reads ${r.correct} of ${r.count} as a ${r.requested} (${percent(r.accuracy)}); ${confidence}.`;
  }
  const seen = r.classCounts.flatMap((n, digit) => (n > 0 ? [`${digit} ×${n}`] : [])).join(', ');
  return `The reference classifier reads ${seen || 'nothing'}; ${confidence}.`;
}
