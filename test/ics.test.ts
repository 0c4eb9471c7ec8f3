// writeCalendar folds the events' lines itself, as UTF-8 (ical-generator's folding was most of a feed's cost),
// so its output must stay byte for byte what the library writes for the same calendar.
import ICAL from 'ical.js';
import { buildCalendar, CalendarEvent, CalendarOptions, foldLines, writeCalendar } from '../src/calendar/ics';

const at = (iso: string) => new Date(iso);

function event(n: number, text: string): CalendarEvent {
  return {
    uid: `session-${n}@verso`,
    sequence: n % 3,
    startsAt: at('2027-03-30T06:00:00Z'),
    endsAt: at('2027-03-30T09:00:00Z'),
    summary: `Kompleksisuus- ja systeemiajattelu: Kevät 2027 ${text.slice(0, 40)}`,
    description: `${text}\n\nLiittymislinkki: https://meet.example.fi/j/${n}\n\nValmennusryhmän sivu: https://verso.example.fi/cohorts/${n}`,
    location: n % 2 ? 'Säätytalo, Snellmaninkatu 9–11, Helsinki' : null,
    url: `https://verso.example.fi/cohorts/${n}`,
    cancelled: n % 4 === 0,
    lastModified: at('2026-11-30T12:00:00Z'),
  };
}

/** Text of a chosen length from ASCII, Finnish, three-octet and four-octet (surrogate pair) characters. */
function text(length: number, seed: number): string {
  const pieces = ['a', 'ä', 'Ö', '–', '€', '😀', ';', ',', '\\', ' ', 'x', '\n'];
  let out = '';
  let state = seed;
  while (out.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += pieces[state % pieces.length];
  }
  return out;
}

describe('writeCalendar', () => {
  const options: CalendarOptions[] = [
    { name: 'Omat tapaamiseni – Verso' },
    { method: 'REQUEST', organizer: { name: 'Verso', email: 'verso@example.fi' }, attendee: { email: 'aino.virtanen@example.fi', name: 'Aino Virtanen' } },
    { method: 'CANCEL', organizer: { name: 'Verso', email: 'verso@example.fi' }, attendee: { email: 'a@example.fi' } },
    {},
  ];

  it.each(options.map((option, i) => [i, option]))('writes what ical-generator writes (options %i)', (_i, option) => {
    // Lengths around the fold (74 octets) and long descriptions, with every kind of character.
    const events = Array.from({ length: 120 }, (_, n) => event(n, text([0, 1, 17, 18, 19, 24, 25, 60, 73, 74, 75, 148, 600][n % 13] + (n % 5), n)));
    const written = writeCalendar(events, option).toString();
    expect(written).toBe(buildCalendar(events, option).toString());
    // And it is iCalendar: every event parses back with its text intact.
    const parsed = new ICAL.Component(ICAL.parse(written));
    const vevents = parsed.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(120);
    expect(vevents.map((v) => v.getFirstPropertyValue('description'))).toEqual(events.map((e) => e.description));
    for (const line of written.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('writes an empty calendar as ical-generator does', () => {
    expect(writeCalendar([], { name: 'Tyhjä' }).toString()).toBe(buildCalendar([], { name: 'Tyhjä' }).toString());
  });

  it('never splits a character, and folds only lines over 74 octets', () => {
    const line = 'ä'.repeat(36) + '😀' + 'b'.repeat(80);
    const folded = foldLines(`SHORT:ok\r\nDESCRIPTION:${line}`).toString().split('\r\n');
    expect(folded[0]).toBe('SHORT:ok');
    expect(folded.slice(1).map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(`DESCRIPTION:${line}`);
    for (const l of folded) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(folded.slice(2).every((l) => l.startsWith(' '))).toBe(true);
    // The emoji (a surrogate pair) stays whole on one line.
    expect(folded.some((l) => l.includes('😀'))).toBe(true);
  });
});
