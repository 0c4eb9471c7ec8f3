// Owns the deadlines of seats offered to the next in line (rounds with seat_offer_hours): every
// minute (JobName.OfferDeadlines) offers past their deadline lapse, the person is told, and the seat
// passes on to the next in line. The work list is read without locks; each offer is then decided on
// its own by EnrolmentService.lapseOffer under the cohort's lock, with its state re-checked there, so
// a rerun, a retry, a second worker or the person answering at the same moment changes and mails
// nothing twice.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobHandler } from '../queue/job-handler.decorator';
import { JobName } from '../queue/jobs';
import { EnrolmentService } from './enrolment.service';

/** Offers taken per run; a backlog beyond this is finished by the next runs. */
const BATCH = 500;

@Injectable()
export class OfferDeadlinesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly enrolment: EnrolmentService,
  ) {}

  @JobHandler(JobName.OfferDeadlines)
  async run(): Promise<{ lapsed: number }> {
    const due: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM enrolment WHERE status = 'offered' AND offer_expires_at <= now() ORDER BY offer_expires_at LIMIT ${BATCH}`,
    );
    let lapsed = 0;
    for (const { id } of due) if (await this.enrolment.lapseOffer(id)) lapsed++;
    return { lapsed };
  }
}
