// Writes iCalendar (RFC 5545) with ical-generator: feeds (no METHOD), and the invitations mailed to
// people (iTIP, RFC 5546: METHOD:REQUEST to add or update an event, METHOD:CANCEL to remove it).
// Calendar programs recognise an event by its UID and take the one with the higher SEQUENCE, so a
// moved session's update replaces the event instead of adding a second one. Times are written as
// Helsinki wall-clock time with TZID=Europe/Helsinki and the zone's VTIMEZONE, so a 9:00 session is
// 9:00 in every calendar whatever daylight-saving change lies between.
import { ICalCalendar, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { toHelsinki } from '../i18n/helsinki-time';

export const CALENDAR_TIME_ZONE = 'Europe/Helsinki';

/** Finland's rules since 1996 (EU: last Sunday of March 03:00 → EEST, of October 04:00 → EET). */
const HELSINKI_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Helsinki',
  'X-LIC-LOCATION:Europe/Helsinki',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0300',
  'TZNAME:EEST',
  'DTSTART:19700329T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0300',
  'TZOFFSETTO:+0200',
  'TZNAME:EET',
  'DTSTART:19701025T040000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

export interface CalendarEvent {
  /** Stable for the event's whole life: `session-<id>@verso`, `network-event-<id>@verso`. */
  uid: string;
  /** Bumped on every change calendars must take (move, cancellation). */
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description?: string | null;
  location?: string | null;
  url?: string | null;
  cancelled?: boolean;
  lastModified?: Date;
}

export interface CalendarOptions {
  /** Feeds have none; mailed invitations REQUEST or CANCEL. */
  method?: 'REQUEST' | 'CANCEL' | null;
  /** The calendar's name in programs that subscribe to it (X-WR-CALNAME). */
  name?: string;
  /** For invitations: who sends them and to whom (iTIP needs both). */
  organizer?: { name: string; email: string };
  attendee?: { name?: string | null; email: string };
}

/**
 * An instant that ical-generator writes as Helsinki wall-clock time. Given a plain Date and a zone,
 * it would write the server's own local time; a time-zone-aware date (its ICalTZDateStub interface:
 * `internal`, `withTimeZone`, `tzComponents`) it asks for the time in the zone instead, which
 * toHelsinki answers whatever the server's zone.
 */
class HelsinkiDate extends Date {
  readonly internal: Date;

  constructor(instant: Date) {
    super(instant.getTime());
    this.internal = instant;
  }

  withTimeZone(): HelsinkiDate {
    const wall = toHelsinki(this.internal);
    const seconds = this.internal.getUTCSeconds();
    // The calendar fields ical-generator reads, as Helsinki clocks show them.
    return Object.assign(new HelsinkiDate(this.internal), {
      getFullYear: () => wall.year,
      getMonth: () => wall.month - 1,
      getDate: () => wall.day,
      getHours: () => wall.hour,
      getMinutes: () => wall.minute,
      getSeconds: () => seconds,
    });
  }

  tzComponents() {
    return { timezone: CALENDAR_TIME_ZONE };
  }
}

const instant = (date: Date) => new HelsinkiDate(date);

/** The calendar as ical-generator builds it: every property, escaped and formatted by the library. */
export function buildCalendar(events: CalendarEvent[], options: CalendarOptions = {}): ICalCalendar {
  const calendar = new ICalCalendar({
    prodId: { company: 'Verso', product: 'Verso', language: 'FI' },
    // No calendar-wide zone (DTSTAMP and the like stay in UTC); events name theirs, and this
    // writes the VTIMEZONE they refer to.
    timezone: { name: null, generator: (zone) => (zone === CALENDAR_TIME_ZONE ? HELSINKI_VTIMEZONE : null) },
  });
  if (options.method) calendar.method(options.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
  if (options.name) calendar.name(options.name);
  const cancel = options.method === 'CANCEL';
  for (const event of events) {
    calendar.createEvent({
      id: event.uid,
      sequence: event.sequence,
      start: instant(event.startsAt),
      end: instant(event.endsAt),
      timezone: CALENDAR_TIME_ZONE,
      // A fixed stamp keeps the feed's bytes (and so its ETag) the same until something changes.
      stamp: event.lastModified ?? event.startsAt,
      lastModified: event.lastModified,
      summary: event.summary,
      description: event.description ?? null,
      location: event.location ?? null,
      url: event.url ?? null,
      status: cancel || event.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      organizer: options.organizer ?? null,
      attendees: options.attendee ? [{ email: options.attendee.email, name: options.attendee.name ?? undefined, rsvp: false }] : undefined,
    });
  }
  return calendar;
}

/**
 * The calendar as UTF-8, as it is sent: byte for byte what `buildCalendar(…).toString()` writes
 * (tested), at half the cost. ical-generator folds its whole output a character at a time into a
 * new string whenever a line is long or not ASCII (every Finnish line, every description); in a
 * feed of 200 sessions that was 60% of the response's CPU time. So the library writes the
 * calendar's own lines (with no events) and each event's unfolded lines, and foldLines below folds
 * the encoded bytes, copying whole slices. The VTIMEZONE the events refer to is ours anyway.
 */
export function writeCalendar(events: CalendarEvent[], options: CalendarOptions = {}): Buffer {
  const calendar = buildCalendar(events, options);
  const vevents = calendar.events();
  if (vevents.length === 0) return Buffer.from(calendar.toString());
  const frame = calendar.clear().toString();
  const end = frame.lastIndexOf('END:VCALENDAR');
  return Buffer.concat([
    Buffer.from(`${frame.slice(0, end)}${HELSINKI_VTIMEZONE}\r\n`),
    foldLines(vevents.map((vevent) => vevent.toString()).join('')),
    Buffer.from(frame.slice(end)),
  ]);
}

/** RFC 5545 §3.1: lines longer than 75 octets are split, the rest starting with a space (ical-generator's 74). */
const MAX_LINE_OCTETS = 74;
const CRLF = Buffer.from('\r\n');

/** Folds iCalendar text into UTF-8 lines of at most 74 octets (plus the continuation's space), never inside a character. */
export function foldLines(text: string): Buffer {
  const bytes = Buffer.from(text);
  // A fold adds 3 octets, at most once per 71 (74 less the 3 a four-octet character may leave over).
  const folded = Buffer.allocUnsafe(bytes.length + Math.ceil(bytes.length / 71) * 3);
  let length = 0;
  let lineStart = 0;
  for (;;) {
    const crlf = bytes.indexOf(CRLF, lineStart);
    const lineEnd = crlf < 0 ? bytes.length : crlf;
    let start = lineStart;
    while (lineEnd - start > MAX_LINE_OCTETS) {
      let cut = start + MAX_LINE_OCTETS;
      // Back to the first octet of the character (UTF-8 continuation octets are 10xxxxxx).
      while ((bytes[cut] & 0xc0) === 0x80) cut--;
      length += bytes.copy(folded, length, start, cut);
      length += folded.write('\r\n ', length);
      start = cut;
    }
    if (crlf < 0) {
      length += bytes.copy(folded, length, start, lineEnd);
      return folded.subarray(0, length);
    }
    length += bytes.copy(folded, length, start, lineEnd + CRLF.length);
    lineStart = lineEnd + CRLF.length;
  }
}
