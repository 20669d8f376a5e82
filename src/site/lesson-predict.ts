/**
 * <lesson-predict>: a "predict, then check" question. The page is built with the question, the
 * options (radio buttons) and the explanation (a closed <details>), so it reads without
 * JavaScript. With it, the explanation stays out of sight until the learner locks in a guess;
 * then the guess is marked right or wrong, the explanation opens, and the guess is remembered
 * (progress.ts) so a returning learner sees what they said.
 *
 * Markup (written by src/site/build/markdown.ts from a `::: predict` block):
 *   <lesson-predict id="…" data-answer="<index of the right option>">
 *     … <input type="radio" name="…" value="0"> …
 *     <button class="predict__commit"> <span class="predict__feedback"> <details class="predict__reveal">
 *
 * Events: `lesson-predict` (bubbling) {id, choice, correct} when a guess is locked in.
 */

export interface PredictDetail {
  id: string;
  choice: number;
  correct: boolean;
}

/** Where guesses are remembered; the lesson page passes its progress store. */
export interface PredictMemory {
  recall(questionId: string): number | undefined;
  remember(questionId: string, choice: number): void;
}

let memory: PredictMemory | null = null;

export class LessonPredict extends HTMLElement {
  private upgraded = false;

  get answer(): number {
    return Number(this.dataset.answer);
  }

  /** The locked-in choice, or null before the learner commits. */
  get choice(): number | null {
    return this.dataset.choice === undefined ? null : Number(this.dataset.choice);
  }

  connectedCallback(): void {
    if (this.upgraded) return;
    this.upgraded = true;
    const reveal = this.querySelector<HTMLDetailsElement>('.predict__reveal');
    const commit = this.querySelector<HTMLButtonElement>('.predict__commit');
    if (reveal) reveal.hidden = true;
    this.addEventListener('change', () => {
      if (commit && this.choice === null) commit.disabled = this.selected() === null;
    });
    commit?.addEventListener('click', () => {
      const selected = this.selected();
      if (selected !== null) this.lockIn(selected, true);
    });
    const remembered = memory?.recall(this.id);
    if (remembered !== undefined && remembered < this.radios().length) this.lockIn(remembered, false);
  }

  private radios(): HTMLInputElement[] {
    return [...this.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
  }

  private selected(): number | null {
    const checked = this.radios().find((radio) => radio.checked);
    return checked ? Number(checked.value) : null;
  }

  /** Commits a guess: disables the options, marks them, shows the explanation. */
  lockIn(choice: number, fromLearner: boolean): void {
    if (this.choice !== null) return;
    const radios = this.radios();
    const correct = choice === this.answer;
    this.dataset.choice = String(choice);
    this.classList.add('predict--answered', correct ? 'predict--right' : 'predict--wrong');
    radios.forEach((radio, index) => {
      radio.checked = index === choice;
      radio.disabled = true;
      const option = radio.closest('.predict__option');
      option?.classList.toggle('predict__option--chosen', index === choice);
      option?.classList.toggle('predict__option--answer', index === this.answer);
    });
    const commit = this.querySelector<HTMLButtonElement>('.predict__commit');
    if (commit) commit.hidden = true;
    const feedback = this.querySelector('.predict__feedback');
    if (feedback) {
      const answerText = radios[this.answer]?.closest('.predict__option')?.textContent?.trim() ?? '';
      feedback.textContent = correct
        ? 'Right. Now run it below and see for yourself.'
        : `Not quite: the answer is “${answerText}”. Run it and see why.`;
    }
    const reveal = this.querySelector<HTMLDetailsElement>('.predict__reveal');
    if (reveal) {
      reveal.hidden = false;
      reveal.open = true;
    }
    if (fromLearner) {
      memory?.remember(this.id, choice);
      this.dispatchEvent(
        new CustomEvent<PredictDetail>('lesson-predict', { detail: { id: this.id, choice, correct }, bubbles: true }),
      );
    }
  }
}

/**
 * Defines the element with the memory guesses go to. Defining upgrades the questions already in
 * the page, so the memory is set first and remembered guesses show at once.
 */
export function defineLessonPredict(guesses: PredictMemory | null): void {
  memory = guesses;
  if (!customElements.get('lesson-predict')) customElements.define('lesson-predict', LessonPredict);
}

declare global {
  interface HTMLElementTagNameMap {
    'lesson-predict': LessonPredict;
  }
}
