/**
 * How each schedule looks in <diffusion-schedule>: its name, colour and dash pattern, fixed so a
 * schedule looks the same on every chart, swatch and digit, and the paper it comes from.
 */
import { html, type TemplateResult } from 'lit';
import type { BetaSchedule } from '../../diffusion/config';

export interface ScheduleLook {
  name: string;
  color: string;
  dash: string;
  note: string;
}

/** Names, colours and dash patterns per schedule, fixed so a schedule looks the same everywhere. */
export const LOOK: Record<BetaSchedule, ScheduleLook> = {
  linear: { name: 'linear', color: 'var(--_series-1)', dash: '', note: 'Ho et al. 2020' },
  scaled_linear: { name: 'scaled linear', color: 'var(--_series-2)', dash: '7 3', note: 'Rombach et al. 2022' },
  squaredcos_cap_v2: { name: 'cosine', color: 'var(--_series-3)', dash: '2 3', note: 'Nichol & Dhariwal 2021' },
  sigmoid: { name: 'sigmoid', color: 'var(--_series-4)', dash: '9 3 2 3', note: 'Xu et al. 2022' },
};

/** A short line in the schedule's colour and dash pattern (coloured by class, see ./styles.ts). */
export function swatch(schedule: BetaSchedule): TemplateResult {
  const look = LOOK[schedule];
  return html`<svg class="swatch ${schedule}" viewBox="0 0 26 10" aria-hidden="true">
    <line x1="1" y1="5" x2="25" y2="5" stroke-width="2.5" stroke-dasharray=${look.dash || 'none'}></line>
  </svg>`;
}
