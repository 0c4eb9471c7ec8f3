// A real SMTP server in-process (smtp-server), parsing what it receives with mailparser. A test can
// make it refuse for a while (a 451 "try again later", as a struggling server would) or slow down.
import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  language: string | null;
  parsed: ParsedMail;
}

export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** Refuse this many messages with 451 before accepting. */
  refuseNext = 0;
  refused = 0;
  /** Addresses (lower case) refused for good at RCPT TO with 550, as a server with no such mailbox would. */
  readonly unknownMailboxes = new Set<string>();
  /** Milliseconds to hold each message before answering. */
  delayMs = 0;
  private server?: SMTPServer;
  port = 0;

  async start(): Promise<string> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        if (!this.unknownMailboxes.has(address.address.toLowerCase())) return callback();
        const error = new Error('No such mailbox') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          void (async () => {
            if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
            if (this.refuseNext > 0) {
              this.refuseNext--;
              this.refused++;
              const error = new Error('Try again later') as Error & { responseCode: number };
              error.responseCode = 451;
              return callback(error);
            }
            const parsed = await simpleParser(Buffer.concat(chunks));
            this.received.push({
              to: Array.isArray(parsed.to) ? parsed.to.map((t) => t.text).join(', ') : (parsed.to?.text ?? ''),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              language: /<html lang="(\w+)"/.exec(typeof parsed.html === 'string' ? parsed.html : '')?.[1] ?? null,
              parsed,
            });
            callback();
          })();
        });
      },
    });
    // A client killed mid-message resets its connection; that is the client's problem, not the test's.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** What was received for this address whose subject matches (a text it contains, or a pattern). */
  mailsTo(email: string, subject: RegExp | string = /./): ReceivedMail[] {
    const matches = (mail: ReceivedMail) => (typeof subject === 'string' ? mail.subject.includes(subject) : subject.test(mail.subject));
    return this.received.filter((mail) => mail.to.toLowerCase().includes(email.toLowerCase()) && matches(mail));
  }

  /** The first mail to this address whose subject matches, waiting for the worker to send it. */
  async mailTo(email: string, subject: RegExp | string = /./, timeoutMs = 10000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [mail] = this.mailsTo(email, subject);
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no mail to ${email} about ${subject}; got: ${this.mailsTo(email).map((m) => m.subject).join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Messages received for a Message-ID: more than one is a duplicate. */
  countByMessageId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.received) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
    return counts;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
