// The completion mail: the certificate attached as a PDF, in the person's language, and the question
// whether they want to be listed in the register of trained developers. What the outbox stores is
// only which completion it is about: when the mail goes, the completion is read afresh, so a
// completion undone (or anonymised) before then sends nothing, and the PDF says what is true then.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { cohortNameIn, programmeAndCohort } from '../i18n/cohort-name';
import { translate } from '../i18n/i18n';
import { NotificationKinds } from '../notifications/notification-kinds';
import { formatCertificateCode } from './certificate-code';
import { certificateDate, certificatePdf, certificateUrl } from './certificate-pdf';
import { CertificateService } from './certificate.service';

export const COMPLETION_CERTIFICATE = 'completion.certificate';

export type CompletionCertificateMail = {
  completionId: string;
  cohortId: string;
  /** Added when the mail goes (refresh). */
  personName?: string;
  programmeTitle?: string;
  cohortName?: string;
  startsAt?: string | Date;
  endsAt?: string | Date;
  round?: string;
  completedOn?: string;
  code?: string;
  certificateUrl?: string;
  registerUrl?: string;
  /** The person's own certificate again (signed in). */
  downloadUrl?: string;
  /** The certificate as read when the mail went, for the attachment. */
  certificate?: unknown;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    'completion.certificate': CompletionCertificateMail;
  }
}

@Injectable()
export class CompletionNotifications implements OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    private readonly certificates: CertificateService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: COMPLETION_CERTIFICATE,
      template: 'completion-certificate',
      secretLinks: [],
      // The certificate rides as an attachment, which a digest cannot carry.
      channels: ['email', 'off'],
      subject: (payload, lang) => translate(lang, 'mail.completion.certificate.subject', { round: payload.round ?? payload.programmeTitle ?? '' }),
      refresh: async (payload, lang) => {
        const certificate = await this.certificates.certificate(payload.completionId, lang);
        if (!certificate) return null;
        return {
          completionId: payload.completionId,
          cohortId: payload.cohortId,
          personName: certificate.personName,
          programmeTitle: certificate.programmeTitle,
          cohortName: cohortNameIn(certificate.cohortName, lang),
          round: programmeAndCohort(certificate.programmeTitle, certificate.cohortName, lang),
          completedOn: certificateDate(certificate.completedAt, lang),
          code: formatCertificateCode(certificate.code),
          certificateUrl: certificateUrl(this.config.baseUrl, certificate.code),
          registerUrl: `${this.config.baseUrl}/profile#register`,
          downloadUrl: `${this.config.baseUrl}/my/certificates/${payload.completionId}.pdf`,
          certificate,
        };
      },
      attachments: async (payload, lang) => {
        // Refresh has run: without a certificate the mail was dropped before it got here.
        const certificate = payload.certificate as Parameters<typeof certificatePdf>[0] | undefined;
        if (!certificate) return [];
        return [{ filename: `${translate(lang, 'completion.certificate.fileName')}-${formatCertificateCode(certificate.code)}.pdf`, contentType: 'application/pdf', content: await certificatePdf(certificate, lang, this.config.baseUrl) }];
      },
      aboutPath: (payload) => `/cohorts/${payload.cohortId}`,
    });
  }
}
