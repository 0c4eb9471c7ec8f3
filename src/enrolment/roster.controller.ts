// A cohort's roster for its facilitators and admins: the agency mix, the people by status (the
// waitlist in order), and the forms that change it (enrol by email, remove, move to another round,
// reorder the queue, mark completion and attendance), the history of changes and the CSV export.
// Who may use it is EnrolmentService's rule, checked before a form is read, so anyone else gets 403
// whatever they send. A refused form shows the page again with the message next to its field (400);
// a change refused as things stand, with the reason (409).
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors, Refused } from '../errors/domain-errors';
import { formatHelsinkiInput } from '../i18n/helsinki-time';
import { Language, translate } from '../i18n/i18n';
import { unknownFields } from '../accounts/admin.dto';
import { confirmationPage, confirmedForm } from '../web/confirmation';
import { FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { attendanceFormOf, MoveFormDto, PositionFormDto, reasonOf, RemoveFormDto, RosterEnrolFormDto } from './enrolment-web.dto';
import { ACTIVE_STATUSES, EnrolmentStatus } from './enrolment.entity';
import { EnrolmentService } from './enrolment.service';
import { Roster, RosterChange, RosterEntry, RosterService } from './roster.service';
import { roundName } from '../i18n/round-name';

const NOTICES = ['enrolledConfirmed', 'enrolledWaitlisted', 'alreadyEnrolled', 'removed', 'moved', 'reordered', 'completed', 'attendance'] as const;
type Notice = (typeof NOTICES)[number];

type FormName = 'enrol' | 'remove' | 'move' | 'position' | 'complete' | 'attendance';
/** The fields each form shows messages next to; others go in the summary. */
const FORM_FIELDS: Record<FormName, string[]> = {
  enrol: ['email', 'reason'],
  remove: ['reason'],
  move: ['toCohortId', 'reason'],
  position: ['position', 'reason'],
  complete: [],
  attendance: [],
};

/** Which form was refused, for whom, with what was typed and what was wrong. */
interface Refusal {
  form: FormName;
  /** The row's person, or the attendance form's session. */
  target?: string;
  body: unknown;
  errors: FieldMessages | null;
}

const GROUPS: { key: string; statuses: EnrolmentStatus[] }[] = [
  { key: 'confirmed', statuses: ['confirmed', 'completed'] },
  { key: 'waitlisted', statuses: ['waitlisted'] },
  { key: 'pending', statuses: ['pending_approval'] },
  { key: 'cancelled', statuses: ['cancelled', 'declined'] },
];

function text(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined) ?? '';
  return typeof value === 'string' ? value : '';
}

const nameOf = (person: { name: string; erased: boolean }, lang: Language) => (person.erased ? translate(lang, 'accounts.deletedUser') : person.name);

function statusLabel(status: EnrolmentStatus, position: number | null, lang: Language): string {
  return status === 'waitlisted' && position !== null ? translate(lang, 'enrolment.status.waitlistedAt', { position }) : translate(lang, `enrolment.status.${status}`);
}

/** A reason as written, or the sentence of an `enrolment.reason.*` key the service wrote. */
function reasonText(reason: string | null, lang: Language): string | null {
  if (!reason) return null;
  return /^enrolment\.reason\.[A-Za-z]+$/.test(reason) ? translate(lang, reason) : reason;
}

function changedByText(change: RosterChange, lang: Language): string {
  if (change.changedBy) return nameOf(change.changedBy, lang);
  return translate(lang, change.reason === 'enrolment.reason.managerApproved' || change.reason === 'enrolment.reason.managerDeclined' ? 'enrolment.history.byManager' : 'enrolment.history.bySystem');
}

/** A cell Excel would read as a formula (=, +, -, @) is kept as text. */
const safeCell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** An ASCII file name from the cohort's name: "Kevät 2027 – verkossa" → "kevat-2027-verkossa". */
export function asciiFileName(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return ascii || 'roster';
}

/** The roster as Finnish Excel opens it: UTF-8 with a BOM, `;` between fields, a header row in the reader's language. */
export function rosterCsv(entries: RosterEntry[], lang: Language): string {
  const header = ['name', 'email', 'agency', 'status', 'waitlistPosition', 'enrolledAt'].map((column) => translate(lang, `enrolment.csv.${column}`));
  const rows = entries.map((entry) => {
    const { date, time } = formatHelsinkiInput(entry.enrolledAt);
    return [
      safeCell(nameOf(entry, lang)),
      safeCell(entry.email),
      safeCell(entry.agency ?? ''),
      translate(lang, `enrolment.status.${entry.status}`),
      entry.waitlistPosition === null ? '' : String(entry.waitlistPosition),
      `${date} ${time}`,
    ];
  });
  return stringify([header, ...rows], { bom: true, delimiter: ';', record_delimiter: 'windows' });
}

@ApiExcludeController()
@SignedIn()
@Controller('cohorts/:id')
export class RosterController {
  constructor(
    private readonly enrolment: EnrolmentService,
    private readonly roster: RosterService,
  ) {}

  @Get('roster')
  async page(@Param('id') id: string, @Query('done') done: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const notice = NOTICES.find((name) => name === done) ?? null;
    return reply.header('cache-control', 'no-store').view('enrolment/roster', this.pageModel(await this.roster.roster(actor, id, lang), lang, { notice }));
  }

  @Get('roster.csv')
  async csv(@Param('id') id: string, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const roster = await this.roster.roster(actor, id, lang);
    const fileName = `${asciiFileName(roster.cohort.name)}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(`${roster.cohort.name}.csv`)}`)
      .header('cache-control', 'no-store')
      .send(rosterCsv(roster.entries, lang));
  }

  @Post('roster/enrol')
  async enrolByEmail(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = await validateForm(RosterEnrolFormDto, body);
    return this.act(reply, id, actor, lang, { form: 'enrol', body, errors: form.errors }, async () => {
      const { enrolment, created } = await this.enrolment.enrolByEmail(actor, id, form.value!.email, reasonOf(form.value!.reason));
      if (!created) return 'alreadyEnrolled';
      return enrolment.status === 'waitlisted' ? 'enrolledWaitlisted' : 'enrolledConfirmed';
    });
  }

  @Post('roster/:userId/remove')
  async remove(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const { confirmed, fields } = confirmedForm(body);
    const form = await validateForm(RemoveFormDto, fields);
    if (!form.errors && !confirmed) {
      const { cohort, entries } = await this.roster.roster(actor, id, lang);
      const person = entries.find((entry) => entry.userId === userId && ACTIVE_STATUSES.includes(entry.status));
      // Someone not (or no longer) on the list: the service refuses as before, without asking first.
      if (person) {
        return confirmationPage(reply, {
          question: translate(lang, 'enrolment.roster.remove.confirm.question'),
          consequence: translate(lang, 'enrolment.roster.remove.confirm.consequence', {
            name: person.erased ? translate(lang, 'enrolment.roster.remove.confirm.erased') : person.name,
            round: `${cohort.programmeTitle}, ${roundName(cohort.name, lang, { inSentence: true })}`,
          }),
          yes: translate(lang, 'enrolment.roster.remove.confirm.yes'),
          action: `/cohorts/${id}/roster/${userId}/remove`,
          backHref: `/cohorts/${id}/roster`,
          fields,
        });
      }
    }
    return this.act(reply, id, actor, lang, { form: 'remove', target: userId, body: fields, errors: form.errors }, async () => {
      await this.enrolment.cancel(actor, id, userId, reasonOf(form.value!.reason));
      return 'removed';
    });
  }

  @Post('roster/:userId/move')
  async move(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = await validateForm(MoveFormDto, body);
    return this.act(reply, id, actor, lang, { form: 'move', target: userId, body, errors: form.errors }, async () => {
      await this.enrolment.move(actor, id, userId, form.value!.toCohortId, reasonOf(form.value!.reason));
      return 'moved';
    });
  }

  @Post('roster/:userId/position')
  async reorder(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = await validateForm(PositionFormDto, body);
    return this.act(reply, id, actor, lang, { form: 'position', target: userId, body, errors: form.errors }, async () => {
      await this.enrolment.reorderWaitlist(actor, id, userId, Number(form.value!.position), form.value!.reason);
      return 'reordered';
    });
  }

  @Post('roster/:userId/complete')
  async complete(@Param('id') id: string, @Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    return this.act(reply, id, actor, lang, { form: 'complete', target: userId, body, errors: unknownFields(body) }, async () => {
      await this.enrolment.complete(actor, id, userId);
      return 'completed';
    });
  }

  @Post('attendance')
  async attendance(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    await this.roster.mustManage(actor, id);
    const form = attendanceFormOf(body);
    let errors = form.errors;
    if (form.value && !(await this.roster.isScheduledSessionOf(id, form.value.sessionId))) errors = { sessionId: 'enrolment.form.session.unknown' };
    return this.act(reply, id, actor, lang, { form: 'attendance', target: text(body, 'sessionId'), body, errors }, async () => {
      const { sessionId, people, present } = form.value!;
      for (const userId of people) {
        try {
          await this.enrolment.markAttendance(actor, sessionId, userId, present.has(userId));
        } catch (error) {
          // Someone removed since the page was loaded is no longer on the list: nothing to mark.
          if (!(error instanceof FieldErrors && error.fields.userId === 'enrolment.attendance.notParticipant')) throw error;
        }
      }
      return 'attendance';
    });
  }

  /** Runs a change unless its form was refused; then back to the roster with a notice, or the roster again with why not. */
  private async act(reply: FastifyReply, id: string, actor: Actor, lang: Language, refused: Refusal, change: () => Promise<Notice>) {
    let errors = refused.errors;
    if (!errors) {
      try {
        const notice = await change();
        return reply.redirect(`/cohorts/${id}/roster?done=${notice}`, 303);
      } catch (error) {
        if (error instanceof Refused) {
          const roster = await this.roster.roster(actor, id, lang);
          return reply.status(HttpStatus.CONFLICT).view('enrolment/roster', this.pageModel(roster, lang, { refusal: translateMessage(lang, error.reason), refused: { ...refused, errors: null } }));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const roster = await this.roster.roster(actor, id, lang);
    return reply.status(HttpStatus.BAD_REQUEST).view('enrolment/roster', this.pageModel(roster, lang, { refused: { ...refused, errors: translateFields(errors, lang) } }));
  }

  private pageModel(roster: Roster, lang: Language, state: { notice?: Notice | null; refusal?: string; refused?: Refusal }) {
    const { cohort } = roster;
    const refused = state.refused;
    const errors = refused?.errors ?? null;
    /** The refused form's messages and input, when it is this form (of this row). */
    const refusedHere = (form: FormName, target?: string) => (refused?.form === form && (target === undefined || refused.target === target) ? refused : null);
    const field = (form: FormName, name: string, target?: string, fallback = '') => {
      const here = refusedHere(form, target);
      return { value: here ? text(here.body, name) : fallback, error: here?.errors?.[name] ?? null };
    };
    const idPart = (value: string) => value.replace(/[^A-Za-z0-9-]/g, '');
    const participants = roster.entries.filter((entry) => entry.status === 'confirmed' || entry.status === 'completed');

    const row = (entry: RosterEntry) => {
      const active = entry.status === 'confirmed' || entry.status === 'waitlisted' || entry.status === 'pending_approval';
      const move = field('move', 'toCohortId', entry.userId);
      const open = !!refusedHere('remove', entry.userId) || !!refusedHere('move', entry.userId) || !!refusedHere('position', entry.userId) || !!refusedHere('complete', entry.userId);
      return {
        userId: entry.userId,
        idPart: idPart(entry.userId),
        ids: Object.fromEntries(['position', 'positionReason', 'move', 'moveReason', 'removeReason'].map((name) => [name, `${name}-${idPart(entry.userId)}`])),
        name: nameOf(entry, lang),
        email: entry.email,
        agency: entry.agency,
        status: entry.status,
        statusLabel: translate(lang, `enrolment.status.${entry.status}`),
        position: entry.waitlistPosition,
        managerEmail: entry.status === 'pending_approval' ? entry.managerEmail : null,
        enrolledAt: entry.enrolledAt,
        open,
        actionsLabel: translate(lang, 'enrolment.roster.actionsFor', { name: nameOf(entry, lang) }),
        canRemove: active,
        // A refused move shows its form again with the message, even when no round is left to choose.
        canMove: active && (roster.moveTargets.length > 0 || !!refusedHere('move', entry.userId)),
        canReorder: entry.status === 'waitlisted' && cohort.waitlistLength > 1,
        canComplete: entry.status === 'confirmed',
        remove: { reason: field('remove', 'reason', entry.userId) },
        move: {
          error: move.error,
          options: roster.moveTargets.map((target) => ({
            value: target.id,
            label: target.status === 'draft' ? translate(lang, 'enrolment.roster.move.draftOption', { name: target.name }) : target.name,
            selected: target.id === move.value,
          })),
          reason: field('move', 'reason', entry.userId),
        },
        positionForm: { position: field('position', 'position', entry.userId, String(entry.waitlistPosition ?? '')), reason: field('position', 'reason', entry.userId) },
        completeError: refusedHere('complete', entry.userId) ? Object.values(errors ?? {}).join(' ') || null : null,
      };
    };
    const attendanceRefused = refusedHere('attendance');
    const known = refused ? FORM_FIELDS[refused.form] : [];
    return {
      title: translate(lang, 'enrolment.roster.title', { cohort: roundName(cohort.name, lang) }),
      cohort: {
        ...cohort,
        statusLabel: translate(lang, `cohort.status.${cohort.status}`),
        over: cohort.status === 'cancelled' || cohort.status === 'completed',
      },
      csvHref: `/cohorts/${cohort.id}/roster.csv`,
      notice: state.notice ? translate(lang, `enrolment.roster.notice.${state.notice}`) : null,
      refusal: state.refusal ?? null,
      errors,
      otherErrors:
        errors && refused?.form !== 'complete' && refused?.form !== 'attendance'
          ? Object.entries(errors)
              .filter(([name]) => !known.includes(name))
              .map(([name, message]) => ({ field: name, message }))
          : [],
      agencyMix: roster.agencyMix.map((line) => ({ agency: line.agency ?? translate(lang, 'enrolment.roster.noAgency'), count: line.count })),
      enrolForm: { email: field('enrol', 'email'), reason: field('enrol', 'reason') },
      groups: GROUPS.map((group) => {
        const rows = roster.entries.filter((entry) => group.statuses.includes(entry.status)).map(row);
        return { key: group.key, heading: translate(lang, `enrolment.roster.group.${group.key}`, { count: rows.length }), empty: translate(lang, `enrolment.roster.group.${group.key}.empty`), rows };
      }),
      attendance: {
        sessions: roster.sessions.map((session, index) => ({
          ...session,
          number: index + 1,
          formId: `attendance-${session.id}`,
          people: participants.map((entry) => entry.userId).join(','),
          saveLabel: translate(lang, 'enrolment.attendance.saveSession', { number: index + 1 }),
        })),
        people: participants.map((entry) => ({
          name: nameOf(entry, lang),
          cells: roster.sessions.map((session, index) => ({
            formId: `attendance-${session.id}`,
            name: `present.${entry.userId}`,
            inputId: `present-${session.id}-${entry.userId}`,
            checked: roster.attendance.get(`${session.id}/${entry.userId}`) === true,
            marked: roster.attendance.has(`${session.id}/${entry.userId}`),
            label: translate(lang, 'enrolment.attendance.cellLabel', { name: nameOf(entry, lang), number: index + 1 }),
          })),
        })),
        error: attendanceRefused?.errors ? Object.values(attendanceRefused.errors).join(' ') : null,
      },
      history: roster.history.map((change) => ({
        createdAt: change.createdAt,
        person: nameOf({ name: change.personName, erased: change.personErased }, lang),
        from: change.fromStatus ? statusLabel(change.fromStatus, change.fromPosition, lang) : translate(lang, 'enrolment.history.new'),
        to: statusLabel(change.toStatus, change.toPosition, lang),
        by: changedByText(change, lang),
        reason: reasonText(change.reason, lang),
      })),
    };
  }
}
