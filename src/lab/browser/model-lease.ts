/**
 * A model that several jobs may use at once (sampling, the training grid) and that may be
 * replaced meanwhile (reset, a loaded checkpoint): `retire()` frees it as soon as the last job
 * using it has finished, so no job ever runs on disposed weights.
 */
export class SharedModel<M extends { dispose(): void }> {
  private users = 0;
  private retired = false;

  constructor(readonly model: M) {}

  get isRetired(): boolean {
    return this.retired;
  }

  async use<T>(job: (model: M) => Promise<T>): Promise<T> {
    if (this.retired) throw new Error('this model was replaced or reset; request it again');
    this.users += 1;
    try {
      return await job(this.model);
    } finally {
      this.users -= 1;
      if (this.retired && this.users === 0) this.model.dispose();
    }
  }

  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.users === 0) this.model.dispose();
  }
}
