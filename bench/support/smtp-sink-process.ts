// The benchmark's SMTP sink, run as a child process of its own (forked by SinkProcess in
// smtp-sink.ts) so that neither side of a benchmark shares an event loop with it: the nodemailer
// baseline would otherwise compete with the sink for one thread while the app's worker would not.
// It does not parse bodies: it reads the Message-ID header from the raw header block with a regex
// and counts messages by it. Its parent asks over IPC: reset, wait until N distinct ids, dump.
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

export type SinkRequest =
  | { type: 'reset'; req: number }
  | { type: 'await'; req: number; distinct: number }
  | { type: 'stats'; req: number }
  | { type: 'dump'; req: number }
  | { type: 'stop'; req: number };

export interface SinkStats {
  total: number;
  distinct: number;
  /** Wall-clock milliseconds (performance.timeOrigin + now) of the first and latest message since the reset. */
  firstAt: number | null;
  lastAt: number | null;
}

export type SinkReply =
  | { type: 'ready'; port: number }
  | ({ type: 'reached' | 'stats'; req: number } & SinkStats)
  | { type: 'dump'; req: number; counts: [string, number][]; stats: SinkStats }
  | { type: 'ok'; req: number };

const wallClock = () => performance.timeOrigin + performance.now();
const MESSAGE_ID = /^message-id:[ \t]*(<[^>\r\n]*>)/im;
const HEADER_END = Buffer.from('\r\n\r\n');
/** A header block longer than this is not looked into further (ours are about 1 kB). */
const HEADER_LIMIT = 64 * 1024;

let counts = new Map<string, number>();
let total = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;
let waiters: { req: number; distinct: number }[] = [];

const send = (reply: SinkReply) => process.send?.(reply);
const stats = (): SinkStats => ({ total, distinct: counts.size, firstAt, lastAt });

function record(messageId: string) {
  const now = wallClock();
  total++;
  firstAt ??= now;
  lastAt = now;
  counts.set(messageId, (counts.get(messageId) ?? 0) + 1);
  if (waiters.length === 0) return;
  const due = waiters.filter((w) => counts.size >= w.distinct);
  if (due.length === 0) return;
  waiters = waiters.filter((w) => counts.size < w.distinct);
  for (const w of due) send({ type: 'reached', req: w.req, ...stats() });
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  size: 10 * 1024 * 1024,
  // On stop, idle pooled client connections are cut after this long.
  closeTimeout: 1000,
  onData(stream, _session, callback) {
    let header: Buffer | null = Buffer.alloc(0);
    let messageId = '';
    stream.on('data', (chunk: Buffer) => {
      if (!header) return;
      header = Buffer.concat([header, chunk]);
      const end = header.indexOf(HEADER_END);
      if (end >= 0 || header.length > HEADER_LIMIT) {
        const text = header.subarray(0, end >= 0 ? end : header.length).toString('latin1');
        messageId = MESSAGE_ID.exec(text)?.[1] ?? '';
        header = null;
      }
    });
    stream.on('end', () => {
      if (header) messageId = MESSAGE_ID.exec(header.toString('latin1'))?.[1] ?? '';
      record(messageId);
      callback();
    });
  },
});
// A client that goes away mid-message (a worker stopped) is its problem, not the sink's.
server.on('error', () => undefined);

process.on('message', (message: SinkRequest) => {
  switch (message.type) {
    case 'reset':
      counts = new Map();
      total = 0;
      firstAt = lastAt = null;
      waiters = [];
      return send({ type: 'ok', req: message.req });
    case 'await':
      if (counts.size >= message.distinct) return send({ type: 'reached', req: message.req, ...stats() });
      waiters.push({ req: message.req, distinct: message.distinct });
      return;
    case 'stats':
      return send({ type: 'stats', req: message.req, ...stats() });
    case 'dump':
      return send({ type: 'dump', req: message.req, counts: [...counts], stats: stats() });
    case 'stop':
      server.close(() => {
        send({ type: 'ok', req: message.req });
        process.disconnect?.();
        process.exit(0);
      });
      return;
  }
});
// The parent died or let go of us: nothing left to serve.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => send({ type: 'ready', port: (server.server.address() as AddressInfo).port }));
