// The archive of sent editions (/newsletter): what anyone may read of the newsletter. Drafts,
// scheduled editions and those still being sent are nobody's business here: 404.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { checkedId, NotFound } from '../errors/domain-errors';
import { Language, LocalizedText } from '../i18n/i18n';

/** A sent edition in the reader's language (Finnish where it has none), and which language that is. */
export interface SentEdition {
  id: string;
  subject: string;
  body: string;
  /** The language the text is in: the reader's, or Finnish for want of it. */
  textLang: Language;
  sentAt: Date;
}

const inLanguage = (text: LocalizedText, lang: Language): [string, Language] => (text[lang]?.trim() ? [text[lang]!, lang] : [text.fi, 'fi']);

@Injectable()
export class NewsletterArchive {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every sent edition, newest first, subjects in the reader's language. */
  async sent(lang: Language): Promise<Omit<SentEdition, 'body'>[]> {
    const rows: { id: string; subject: LocalizedText; sent_at: Date }[] = await this.dataSource.query(
      `SELECT id, subject, sent_at FROM newsletter_edition WHERE status = 'sent' ORDER BY sent_at DESC, id`,
    );
    return rows.map((row) => {
      const [subject, textLang] = inLanguage(row.subject, lang);
      return { id: row.id, subject, textLang, sentAt: row.sent_at };
    });
  }

  /** A sent edition in the reader's language; NotFound for one not sent (yet) or unknown. */
  async edition(id: string, lang: Language): Promise<SentEdition> {
    const [row]: { id: string; subject: LocalizedText; body: LocalizedText; sent_at: Date }[] = await this.dataSource.query(
      `SELECT id, subject, body, sent_at FROM newsletter_edition WHERE id = $1 AND status = 'sent'`,
      [checkedId(id)],
    );
    if (!row) throw new NotFound();
    // Subject and body together from one language, so a page never mixes two.
    const textLang: Language = row.body[lang]?.trim() && row.subject[lang]?.trim() ? lang : 'fi';
    return { id: row.id, subject: row.subject[textLang]!, body: row.body[textLang]!, textLang, sentAt: row.sent_at };
  }
}
