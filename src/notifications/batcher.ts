/**
 * Gathers the calls made within `waitMs` into one: the concurrent jobs of a worker then share one
 * database round trip instead of making one each. `run` answers every key of the batch, or fails
 * for all of them.
 */
export class Batcher<K, R> {
  private waiting: { key: K; resolve: (value: R | undefined) => void; reject: (error: unknown) => void }[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, R>>,
    private readonly waitMs = 1,
    private readonly maxBatch = 100,
  ) {}

  load(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (this.waiting.length >= this.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.waitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.run(batch.map((entry) => entry.key)).then(
      (answers) => batch.forEach((entry) => entry.resolve(answers.get(entry.key))),
      (error) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
