// Who is in a round, as its own people see it: the confirmed (and completed) participants and the
// facilitators with their agencies, and the agency mix (how many come from each agency, which is
// what the programmes are for). Only the round's confirmed or completed participants, its
// facilitators and admins may look; anyone else (waitlisted, waiting for approval, cancelled, in
// another round) gets 403 and nothing about who is in it.
//
// A participant who hides their name from other participants (app_user.hide_name_from_participants)
// is shown to other participants without it ("a participant from <agency>"); facilitators and admins,
// who run the round and have its roster anyway, and the person themselves still see the name.
// Facilitators are always named: they are named on the round's public page too.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { checkedId, NotAllowed, NotFound } from '../errors/domain-errors';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { EnrolmentService } from './enrolment.service';

export interface CohortMember {
  /** Null when the reader may not see it: a participant who hid their name, or an erased account. */
  name: string | null;
  /** Hidden from this reader. */
  hidden: boolean;
  /** The person hides their name from other participants, and this reader still sees it (they run the round, or it is them). */
  hidesName: boolean;
  erased: boolean;
  agency: string | null;
  /** The reader themselves. */
  self: boolean;
}

export interface CohortPeople {
  cohort: { id: string; name: string; programmeTitle: string };
  participants: CohortMember[];
  facilitators: CohortMember[];
  /** Confirmed (and completed) participants per agency, most first; agency null for people without one. */
  agencyMix: { agency: string | null; count: number }[];
  /** The reader runs the round (a facilitator of it, or an admin): they may write to everyone. */
  mayWriteToRound: boolean;
}

interface MemberRow {
  user_id: string;
  display_name: string;
  user_status: string;
  hide_name: boolean;
  agency: string | null;
}

const byName = (a: string, b: string) => a.localeCompare(b, 'fi');
const byAgency = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : byName(a, b));

@Injectable()
export class ParticipantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly enrolment: EnrolmentService,
  ) {}

  /** The round's people as the reader may see them; 404 for an unknown round, 403 for someone not in it. */
  async cohortPeople(actor: Actor, cohortId: string, lang: Language): Promise<CohortPeople> {
    checkedId(cohortId);
    const [cohort]: { id: string; name: string; title: LocalizedText; member: boolean }[] = await this.dataSource.query(
      `SELECT c.id, c.name, p.title,
         EXISTS (SELECT 1 FROM enrolment e WHERE e.cohort_id = c.id AND e.user_id = $2 AND holds_seat(e.status)) AS member
       FROM cohort_listing c JOIN programme_listing p ON p.id = c.programme_id WHERE c.id = $1`,
      [cohortId, actor.id],
    );
    if (!cohort) throw new NotFound();
    const runs = await this.enrolment.mayManage(this.dataSource.manager, actor, cohortId);
    if (!runs && !cohort.member) throw new NotAllowed();

    const [participants, facilitators]: [MemberRow[], MemberRow[]] = await Promise.all([
      // The agency the person enrolled from: the one the roster and the seat caps count.
      this.dataSource.query(
        `SELECT u.id AS user_id, u.display_name, u.status AS user_status, u.hide_name_from_participants AS hide_name, a.name AS agency
         FROM enrolment e JOIN person u ON u.id = e.user_id LEFT JOIN agency_name a ON a.id = e.agency_id
         WHERE e.cohort_id = $1 AND holds_seat(e.status)`,
        [cohortId],
      ),
      this.dataSource.query(
        `SELECT u.id AS user_id, u.display_name, u.status AS user_status, false AS hide_name, a.name AS agency
         FROM facilitator_listing f JOIN person u ON u.id = f.user_id LEFT JOIN agency_name a ON a.id = u.agency_id
         WHERE f.cohort_id = $1`,
        [cohortId],
      ),
    ]);
    const member = (row: MemberRow): CohortMember => {
      const self = row.user_id === actor.id;
      const erased = row.user_status === 'erased';
      const hidden = row.hide_name && !runs && !self;
      return { name: erased || hidden ? null : row.display_name, hidden, hidesName: row.hide_name && !hidden && !erased, erased, agency: row.agency, self };
    };
    // By agency, then name; hidden names last in their agency, so that the order does not tell them.
    const ordered = (rows: MemberRow[]) =>
      rows.map(member).sort((a, b) => byAgency(a.agency, b.agency) || Number(a.name === null) - Number(b.name === null) || byName(a.name ?? '', b.name ?? ''));

    const mix = new Map<string | null, number>();
    for (const row of participants) mix.set(row.agency, (mix.get(row.agency) ?? 0) + 1);
    return {
      cohort: { id: cohort.id, name: cohort.name, programmeTitle: localized(cohort.title, lang) },
      participants: ordered(participants),
      facilitators: ordered(facilitators).sort((a, b) => byName(a.name ?? '', b.name ?? '')),
      agencyMix: [...mix].map(([agency, count]) => ({ agency, count })).sort((a, b) => b.count - a.count || byAgency(a.agency, b.agency)),
      mayWriteToRound: runs,
    };
  }
}
