// Certificates of completion. `/certificates/:code` is public: anyone (an employer) checks that a
// certificate is genuine and sees only the person's name, the programme and the completion date;
// a code that is malformed, unknown, taken back or anonymised is the same 404 with nothing in it.
// Checks are counted per address (rate-limits.ts), as other public lookups are. The person's own
// certificate again as a PDF is `/my/certificates/<completionId>.pdf`: signed in, theirs (or an
// admin's), else 404.
import { Controller, Get, HttpStatus, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { RateLimits, TooManyAttempts } from '../access/rate-limits';
import { NotFound } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';
import { Lang } from '../web/language';
import { formatCertificateCode } from './certificate-code';
import { certificateDate } from './certificate-pdf';
import { CertificateService } from './certificate.service';

@ApiExcludeController()
@Controller()
export class CertificatesController {
  constructor(
    private readonly certificates: CertificateService,
    private readonly limits: RateLimits,
  ) {}

  @Public()
  @Get('certificates/:code')
  async verify(@Param('code') code: string, @Req() request: FastifyRequest, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const checks: [['certificate-ip', string]] = [['certificate-ip', request.ip]];
    const wait = await this.limits.secondsToWait(checks);
    if (wait > 0) throw new TooManyAttempts(wait);
    await this.limits.count(checks);
    const verified = await this.certificates.verify(code, lang);
    if (!verified) throw new NotFound();
    return reply
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .status(HttpStatus.OK)
      .view('enrolment/certificate', {
        title: translate(lang, 'completion.verify.title'),
        code: formatCertificateCode(code.replace(/[\s-]/g, '').toUpperCase()),
        personName: verified.personName,
        programmeTitle: verified.programmeTitle,
        completedOn: certificateDate(verified.completedAt, lang),
      });
  }

  @SignedIn()
  @Get('my/certificates/:file')
  async pdf(@Param('file') file: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    if (!file.endsWith('.pdf')) throw new NotFound();
    const { certificate, pdf } = await this.certificates.pdfFor(actor, file.slice(0, -'.pdf'.length), lang);
    const name = `${translate(lang, 'completion.certificate.fileName')}-${formatCertificateCode(certificate.code)}.pdf`;
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  }
}
