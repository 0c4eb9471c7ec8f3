// The Batcher that lets a worker's concurrent jobs share database round trips.
import { Batcher } from '../src/notifications/batcher';

/** A run() that records each batch and answers every key with its double, or fails on request. */
function recorder(options: { failFirst?: boolean } = {}) {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const run = (keys: number[]) => {
    batches.push(keys);
    return new Promise<Map<number, number>>((resolve, reject) => {
      releases.push(() => {
        if (options.failFirst && batches.length === 1) reject(new Error('database down'));
        else resolve(new Map(keys.filter((k) => k >= 0).map((k) => [k, k * 2])));
      });
    });
  };
  return { batches, releases, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
/** Long enough for a finished batch's answers and the next batch to start. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await tick();
};

describe('Batcher', () => {
  it('sends the calls of one turn of the event loop as one batch and answers each', async () => {
    const r = recorder();
    const batcher = new Batcher(r.run);
    const answers = Promise.all([1, 2, 3].map((k) => batcher.load(k)));
    await tick();
    expect(r.batches).toEqual([[1, 2, 3]]);
    r.releases[0]();
    expect(await answers).toEqual([2, 4, 6]);
  });

  it('answers undefined for a key the run left out', async () => {
    const r = recorder();
    const batcher = new Batcher(r.run);
    const answer = batcher.load(-1);
    await tick();
    r.releases[0]();
    expect(await answer).toBeUndefined();
  });

  it('runs one batch at a time: calls made meanwhile form the next batch', async () => {
    const r = recorder();
    const batcher = new Batcher(r.run);
    const first = batcher.load(1);
    await tick();
    const later = [batcher.load(2), batcher.load(3)];
    await tick();
    await tick();
    expect(r.batches).toEqual([[1]]); // still waiting for the first round trip
    r.releases[0]();
    await first;
    await settle();
    expect(r.batches).toEqual([[1], [2, 3]]);
    r.releases[1]();
    expect(await Promise.all(later)).toEqual([4, 6]);
  });

  it('fails every call of a failed batch, and the next batch still runs', async () => {
    const r = recorder({ failFirst: true });
    const batcher = new Batcher(r.run);
    const failed = [batcher.load(1), batcher.load(2)];
    await tick();
    const next = batcher.load(3);
    r.releases[0]();
    await expect(failed[0]).rejects.toThrow('database down');
    await expect(failed[1]).rejects.toThrow('database down');
    await settle();
    expect(r.batches).toEqual([[1, 2], [3]]);
    r.releases[1]();
    expect(await next).toBe(6);
  });

  it('keeps a batch to its largest size', async () => {
    const r = recorder();
    const batcher = new Batcher(r.run, 0, 2);
    const answers = [1, 2, 3].map((k) => batcher.load(k));
    await tick();
    expect(r.batches).toEqual([[1, 2]]);
    r.releases[0]();
    await Promise.all(answers.slice(0, 2));
    await settle();
    expect(r.batches).toEqual([[1, 2], [3]]);
    r.releases[1]();
    expect(await answers[2]).toBe(6);
  });
});
