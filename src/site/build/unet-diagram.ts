/**
 * The U-Net of a model configuration drawn as an inline SVG figure, built from the same plan the
 * network trains from (src/model/plan.ts), so the lesson's picture cannot drift from the model:
 * one box per block in the order the data flows, one row per resolution, an arc per skip
 * connection from the block that keeps it to the block that concatenates it, and a dashed line
 * from the timestep embedding to every residual block that adds it.
 *
 * Colours come from the page's theme through the `unet-diagram` classes in lesson.css, so the
 * figure follows the light and dark themes. Pure: no tfjs, no file system. The markup has no blank
 * line, so Markdown keeps it as one HTML block.
 */
import { validateUNetConfig, workingSize, type UNetConfig } from '../../model/config';
import { planUNet, type PlanStep } from '../../model/plan';

interface Node {
  kind: 'in' | 'res' | 'downsample' | 'upsample' | 'attention' | 'out';
  label: string;
  channels: number;
  /** Side of the block's output feature map. */
  size: number;
  /** For residual blocks: the embedding is added inside. */
  takesEmbedding: boolean;
}

const BOX_W = 40;
const BOX_H = 30;
const COL = 46;
const LEFT = 96;
const TOP = 64;
const ROW = 82;

function nodeOf(step: PlanStep): Node {
  switch (step.kind) {
    case 'res':
      return { kind: 'res', label: 'res', channels: step.outChannels, size: step.size, takesEmbedding: true };
    case 'downsample':
      return { kind: 'downsample', label: '↓2', channels: step.channels, size: step.size / 2, takesEmbedding: false };
    case 'upsample':
      return { kind: 'upsample', label: '↑2', channels: step.channels, size: step.size * 2, takesEmbedding: false };
    case 'attention':
      return { kind: 'attention', label: 'attn', channels: step.channels, size: step.size, takesEmbedding: false };
  }
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The figure (a `<figure>` holding the SVG and a caption) for one configuration. */
export function unetDiagram(rawConfig: UNetConfig, caption: string): string {
  const config = validateUNetConfig(rawConfig);
  const plan = planUNet(config);
  const side = workingSize(config);
  const nodes: Node[] = [
    { kind: 'in', label: 'conv', channels: plan.baseChannels, size: side, takesEmbedding: false },
    ...plan.steps.map(nodeOf),
    { kind: 'out', label: 'out', channels: config.channels, size: side, takesEmbedding: false },
  ];
  const sizes = [...new Set(nodes.map((n) => n.size))].sort((a, b) => b - a);
  const x = (i: number): number => LEFT + i * COL;
  const y = (node: Node): number => TOP + sizes.indexOf(node.size) * ROW;
  const busY = TOP + sizes.length * ROW - 10;
  const width = x(nodes.length - 1) + BOX_W + 70;
  const height = busY + 58;
  const parts: string[] = [];

  // Skips: the model keeps the input conv's output and every output of the down path marked
  // pushSkip, and each residual block of the up path pops the latest one (unet.ts).
  const stack: number[] = [0];
  const arcs: Array<{ from: number; to: number }> = [];
  plan.steps.forEach((step, s) => {
    const i = s + 1;
    if (step.kind === 'res' && step.skipChannels > 0) arcs.push({ from: stack.pop()!, to: i });
    if ((step.kind === 'res' || step.kind === 'downsample') && step.pushSkip) stack.push(i);
  });
  for (const arc of arcs) {
    // Arcs on one row nest: the wider the span, the higher the arc.
    const sameRow = arcs.filter((a) => y(nodes[a.from]) === y(nodes[arc.from]));
    const depth = sameRow.filter((a) => a.to - a.from < arc.to - arc.from).length;
    const top = y(nodes[arc.from]) - BOX_H / 2;
    const lift = top - 12 - 9 * depth;
    const x0 = x(arc.from) + BOX_W / 2;
    const x1 = x(arc.to) + BOX_W / 2;
    parts.push(`<path class="unet-skip" d="M${x0},${top} V${lift} H${x1} V${top - 2}" marker-end="url(#unet-arrow)"/>`);
  }

  // Data flow between consecutive blocks.
  for (let i = 0; i + 1 < nodes.length; i++) {
    const a = nodes[i];
    const b = nodes[i + 1];
    parts.push(`<line class="unet-flow" x1="${x(i) + BOX_W}" y1="${y(a)}" x2="${x(i + 1) - 2}" y2="${y(b)}" marker-end="url(#unet-arrow)"/>`);
  }

  // The embedding bus: timestep features → MLP (+ label) → every residual block.
  nodes.forEach((node, i) => {
    if (node.takesEmbedding) parts.push(`<line class="unet-emb" x1="${x(i) + BOX_W / 2}" y1="${busY}" x2="${x(i) + BOX_W / 2}" y2="${y(node) + BOX_H / 2}"/>`);
  });
  if (!nodes.some((n) => n.takesEmbedding)) throw new Error('unetDiagram: the plan has no residual block');
  const lastRes = nodes.length - 1 - [...nodes].reverse().findIndex((n) => n.takesEmbedding);
  parts.push(`<line class="unet-emb" x1="${LEFT - 4}" y1="${busY}" x2="${x(lastRes) + BOX_W / 2}" y2="${busY}"/>`);
  const label = config.numClasses > 0 ? ` + label (${config.numClasses} digits or none)` : '';
  parts.push(
    `<text class="unet-note" x="${LEFT - 4}" y="${busY + 18}">t → sin/cos features (${config.timeEmbedDim}) → dense, SiLU, dense (${config.timeEmbedDim})${esc(label)}, added in every residual block</text>`,
  );

  nodes.forEach((node, i) => {
    const cx = x(i);
    const cy = y(node);
    parts.push(
      `<g class="unet-node unet-${node.kind}"><rect x="${cx}" y="${cy - BOX_H / 2}" width="${BOX_W}" height="${BOX_H}" rx="5"/>` +
        `<text x="${cx + BOX_W / 2}" y="${cy - 2}">${esc(node.label)}</text><text class="unet-ch" x="${cx + BOX_W / 2}" y="${cy + 11}">${node.channels}</text></g>`,
    );
  });
  for (const size of sizes) {
    parts.push(`<text class="unet-row" x="8" y="${TOP + sizes.indexOf(size) * ROW + 4}">${size}×${size}</text>`);
  }
  const inY = y(nodes[0]);
  const outI = nodes.length - 1;
  parts.push(`<line class="unet-flow" x1="${LEFT - 30}" y1="${inY}" x2="${LEFT - 2}" y2="${inY}" marker-end="url(#unet-arrow)"/>`);
  parts.push(`<text class="unet-io" x="${LEFT - 34}" y="${inY - 8}">x<tspan dy="3" font-size="10">t</tspan></text>`);
  parts.push(`<line class="unet-flow" x1="${x(outI) + BOX_W}" y1="${inY}" x2="${x(outI) + BOX_W + 26}" y2="${inY}" marker-end="url(#unet-arrow)"/>`);
  parts.push(`<text class="unet-io" x="${x(outI) + BOX_W + 8}" y="${inY - 8}">ε̂</text>`);

  const description =
    `U-Net with ${plan.steps.filter((s) => s.kind === 'res').length} residual blocks at ${sizes.map((s) => `${s}×${s}`).join(', ')}, ` +
    `${arcs.length} skip connections, ${config.attention ? 'self-attention in the middle, ' : ''}` +
    `and the timestep embedding added in every residual block.`;
  const svg =
    `<svg class="unet-diagram-svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(description)}">` +
    `<defs><marker id="unet-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="unet-arrowhead" d="M0,0 L8,4 L0,8 z"/></marker></defs>` +
    parts.join('') +
    `</svg>`;
  return `<figure class="unet-diagram">${svg}<figcaption>${caption}</figcaption></figure>`;
}
