// Owns certificates of completion: what a certificate says (read afresh from the completion, so an
// undone or anonymised completion has none), checking a code for anyone (name, programme and date
// only), and a person's own certificate again as a PDF (the person, or an admin).
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, can, Capability } from '../access/capabilities';
import { CONFIG, Config } from '../config/config';
import { isUuid, NotFound } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { normaliseCertificateCode } from './certificate-code';
import { certificatePdf } from './certificate-pdf';

/** Everything a certificate says, in one language. */
export interface Certificate {
  completionId: string;
  userId: string;
  personName: string;
  programmeTitle: string;
  cohortName: string;
  startsAt: Date;
  endsAt: Date;
  completedAt: Date;
  /** The scheduled sessions' durations added up. */
  hours: number;
  facilitators: string[];
  code: string;
}

/** What the public check shows: nothing more. */
export interface VerifiedCertificate {
  personName: string;
  programmeTitle: string;
  completedAt: Date;
}

@Injectable()
export class CertificateService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The certificate of a completion as it is now; null when it is gone, anonymised or has no code. */
  async certificate(completionId: string, lang: Language, db: DataSource | EntityManager = this.dataSource): Promise<Certificate | null> {
    if (!isUuid(completionId)) return null;
    const [row]: {
      user_id: string;
      display_name: string;
      title: LocalizedText;
      cohort_id: string;
      name: string;
      starts_at: Date;
      ends_at: Date;
      completed_at: Date;
      certificate_code: string;
      hours: number | null;
      facilitators: string[] | null;
    }[] = await db.query(
      `SELECT c.user_id, p.display_name, pr.title, co.id AS cohort_id, co.name, co.starts_at, co.ends_at, c.completed_at, c.certificate_code,
              (SELECT sum(extract(epoch FROM s.ends_at - s.starts_at)) / 3600 FROM session_listing s WHERE s.cohort_id = co.id AND s.status = 'scheduled')::float8 AS hours,
              (SELECT array_agg(fp.display_name ORDER BY fp.display_name) FROM facilitator_listing f JOIN person fp ON fp.id = f.user_id
                WHERE f.cohort_id = co.id AND fp.status <> 'erased') AS facilitators
         FROM completion c
         JOIN person p ON p.id = c.user_id
         JOIN cohort_listing co ON co.id = c.cohort_id
         JOIN programme_listing pr ON pr.id = c.programme_id
        WHERE c.id = $1 AND c.anonymised_at IS NULL AND c.certificate_code IS NOT NULL AND p.status <> 'erased'`,
      [completionId],
    );
    if (!row) return null;
    return {
      completionId,
      userId: row.user_id,
      personName: row.display_name,
      programmeTitle: localized(row.title, lang),
      cohortName: row.name,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      completedAt: row.completed_at,
      hours: Math.round((row.hours ?? 0) * 10) / 10,
      facilitators: row.facilitators ?? [],
      code: row.certificate_code,
    };
  }

  /** Anyone's check of a code: null (a 404 that says nothing) when malformed, unknown or anonymised. */
  async verify(typed: string, lang: Language): Promise<VerifiedCertificate | null> {
    const code = normaliseCertificateCode(typed);
    if (!code) return null;
    const [row]: { id: string }[] = await this.dataSource.query(`SELECT id FROM completion WHERE certificate_code = $1 AND anonymised_at IS NULL AND user_id IS NOT NULL`, [code]);
    const certificate = row ? await this.certificate(row.id, lang) : null;
    return certificate && { personName: certificate.personName, programmeTitle: certificate.programmeTitle, completedAt: certificate.completedAt };
  }

  /** A person's own certificate again, as a PDF in the reader's language: the person themself or an admin; anyone else, 404. */
  async pdfFor(actor: Actor, completionId: string, lang: Language): Promise<{ certificate: Certificate; pdf: Buffer }> {
    const certificate = await this.certificate(completionId, lang);
    if (!certificate || (certificate.userId !== actor.id && !can(actor, Capability.UsersManage))) throw new NotFound();
    return { certificate, pdf: await this.pdf(certificate, lang) };
  }

  pdf(certificate: Certificate, lang: Language): Promise<Buffer> {
    return certificatePdf(certificate, lang, this.config.baseUrl);
  }
}
