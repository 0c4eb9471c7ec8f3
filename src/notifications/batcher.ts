/**
 * Gathers concurrent calls into one: the jobs of a worker then share one database round trip
 * instead of making one each. One batch runs at a time; calls made meanwhile wait for it and form
 * the next batch. So a lone call goes at once (next turn of the event loop), and under load the
 * batches grow by themselves, to at most `maxBatch`. `run` answers every key of the batch, or fails
 * for all of them.
 */
export class Batcher<K, R> {
  private waiting: { key: K; resolve: (value: R | undefined) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private running = false;
  private lastStart = 0;

  /** `spacingMs`: a batch starts at least this long after the previous one, so that more calls join it. */
  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, R>>,
    private readonly spacingMs = 0,
    private readonly maxBatch = 200,
  ) {}

  load(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.waiting.length === 0) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.flush();
    };
    // At the least, the calls of this turn of the event loop join the batch.
    const wait = this.lastStart + this.spacingMs - performance.now();
    if (wait > 0) setTimeout(go, wait);
    else setImmediate(go);
  }

  private flush(): void {
    const batch = this.waiting.splice(0, this.maxBatch);
    this.running = true;
    this.lastStart = performance.now();
    this.run(batch.map((entry) => entry.key))
      .then(
        (answers) => batch.forEach((entry) => entry.resolve(answers.get(entry.key))),
        (error) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.running = false;
        this.schedule();
      });
  }
}
