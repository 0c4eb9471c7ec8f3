import { Job, QueueEvents } from 'bullmq';
import { JobName } from '../src/queue/jobs';
import { JOB_ATTEMPTS, jobOptions } from '../src/queue/jobs';
import { handlerTable, QueueService } from '../src/queue/queue.service';
import { NOTIFICATION_QUEUE } from '../src/queue/jobs';
import { startTestApp, TestApp } from './support/test-app';

describe('queue', () => {
  let t: TestApp;
  let events: QueueEvents;
  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'all' });
    events = new QueueEvents(NOTIFICATION_QUEUE, { connection: { url: t.config.redisUrl }, prefix: t.config.redisPrefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    await t.close();
  });

  it('processes an enqueued job with its handler on the worker', async () => {
    const queue = t.app.get(QueueService);
    const job: Job = await queue.enqueue(JobName.QueueHeartbeat, { scheduledAt: new Date().toISOString() }, { jobId: 'heartbeat-test-1' });
    const result = await job.waitUntilFinished(events, 10000);
    expect(result).toEqual({ waitedMs: expect.any(Number) });
    expect((await queue.job('heartbeat-test-1'))?.finishedOn).toEqual(expect.any(Number));
  });

  it('queues a job with a given id once, however often it is added', async () => {
    const queue = t.app.get(QueueService);
    const first = await queue.enqueue(JobName.QueueHeartbeat, { scheduledAt: 'a' }, { jobId: 'heartbeat-once', delayMs: 60000 });
    const second = await queue.enqueue(JobName.QueueHeartbeat, { scheduledAt: 'b' }, { jobId: 'heartbeat-once', delayMs: 60000 });
    expect(second.id).toBe(first.id);
    expect((await queue.job('heartbeat-once'))?.data).toEqual({ scheduledAt: 'a' });
  });

  it('refuses job ids with a colon, which BullMQ reserves', () => {
    expect(() => jobOptions({ jobId: 'reminder:1' })).toThrow(/only letters, digits/);
    expect(jobOptions({ jobId: 'reminder-1-2-7d' })).toMatchObject({ jobId: 'reminder-1-2-7d', attempts: JOB_ATTEMPTS });
  });

  it('refuses to boot when a job name has no handler or two', () => {
    const fn = async () => undefined;
    const names = [JobName.QueueHeartbeat];
    expect(() => handlerTable([], names)).toThrow(`job "${JobName.QueueHeartbeat}" has no handler`);
    expect(() =>
      handlerTable(
        [
          { name: JobName.QueueHeartbeat, owner: 'A.handle', fn },
          { name: JobName.QueueHeartbeat, owner: 'B.handle', fn },
        ],
        names,
      ),
    ).toThrow(`job "${JobName.QueueHeartbeat}" has 2 handlers (A.handle, B.handle)`);
    expect(handlerTable([{ name: JobName.QueueHeartbeat, owner: 'A.handle', fn }], names).size).toBe(1);
  });
});
