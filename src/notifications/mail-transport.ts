// Hands rendered mail to SMTP through one pooled nodemailer transport. Without SMTP_URL (the demo)
// nothing leaves the machine: the message is kept, readable, on the outbox page.
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { CONFIG, Config } from '../config/config';
import { RenderedMail } from './mail-renderer';

export interface Envelope {
  to: string;
  toName: string | null;
  /** A stable Message-ID, so a message sent twice after a crash is recognisably the same one. */
  messageId: string;
  headers?: Record<string, string>;
}

export const NOT_SENT_WITHOUT_SMTP = 'not sent: no SMTP_URL set (demo mode)';

@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transporter?: Transporter;

  constructor(@Inject(CONFIG) private readonly config: Config) {
    if (config.smtpUrl) {
      const url = new URL(config.smtpUrl);
      url.searchParams.set('pool', 'true');
      // A worker holds more jobs than connections (a job mostly waits on PostgreSQL and Redis); the
      // pool queues their messages, so the mail server never sees more than this many at once.
      url.searchParams.set('maxConnections', String(config.smtpMaxConnections));
      this.transporter = nodemailer.createTransport(url.toString());
    }
  }

  /** Returns the server's answer; throws when the server refuses, so the job is retried. */
  async send(envelope: Envelope, mail: RenderedMail): Promise<string> {
    if (!this.transporter) return NOT_SENT_WITHOUT_SMTP;
    const info = await this.transporter.sendMail({
      from: this.config.mailFrom,
      to: envelope.toName ? { name: envelope.toName, address: envelope.to } : envelope.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: envelope.messageId,
      headers: envelope.headers,
      attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    });
    return String(info.response ?? 'accepted');
  }

  onApplicationShutdown() {
    this.transporter?.close();
  }
}
