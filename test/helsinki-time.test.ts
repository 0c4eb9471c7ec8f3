// Helsinki wall-clock time and Finnish days off: pure functions, no services.
import { finnishHolidays, isDayOff } from '../src/catalogue/finnish-holidays';
import { addHelsinkiDays, formatHelsinkiInput, fromHelsinki, parseHelsinki, shiftInHelsinki, toHelsinki } from '../src/i18n/helsinki-time';

describe('Helsinki time', () => {
  it('reads a typed date and time as Helsinki time in winter (UTC+2) and summer (UTC+3)', () => {
    expect(parseHelsinki('2027-03-16', '09:00')!.toISOString()).toBe('2027-03-16T07:00:00.000Z');
    expect(parseHelsinki('2027-09-14', '9.00')!.toISOString()).toBe('2027-09-14T06:00:00.000Z');
  });

  it('refuses dates and times that do not exist on a calendar or a clock', () => {
    for (const [date, time] of [['2027-02-30', '09:00'], ['2027-13-01', '09:00'], ['2027-03-16', '24:00'], ['2027-03-16', '09:60'], ['16.3.2027', '09:00'], ['', '']]) {
      expect(parseHelsinki(date, time)).toBeNull();
    }
  });

  it('reads the hour skipped in spring as after the change, and the repeated autumn hour as its first', () => {
    // 28.3.2027: clocks go from 3:00 to 4:00.
    expect(fromHelsinki({ year: 2027, month: 3, day: 28, hour: 3, minute: 30 }).toISOString()).toBe('2027-03-28T01:30:00.000Z');
    // 31.10.2027: 4:00 becomes 3:00 again; 3:30 happens twice.
    expect(fromHelsinki({ year: 2027, month: 10, day: 31, hour: 3, minute: 30 }).toISOString()).toBe('2027-10-31T00:30:00.000Z');
  });

  it('gives back what a form shows for an instant', () => {
    expect(formatHelsinkiInput(new Date('2027-09-14T06:00:00Z'))).toEqual({ date: '2027-09-14', time: '09:00' });
    expect(toHelsinki(new Date('2027-12-31T22:30:00Z'))).toEqual({ year: 2028, month: 1, day: 1, hour: 0, minute: 30 });
  });

  it('keeps the time of day when shifting across a daylight-saving change', () => {
    const spring = parseHelsinki('2027-03-16', '09:00')!;
    expect(shiftInHelsinki(spring, 26, 'weeks').toISOString()).toBe('2027-09-14T06:00:00.000Z');
    expect(shiftInHelsinki(spring, 6, 'months').toISOString()).toBe('2027-09-16T06:00:00.000Z');
    expect(shiftInHelsinki(spring, 12, 'months').toISOString()).toBe('2028-03-16T07:00:00.000Z');
    expect(addHelsinkiDays(parseHelsinki('2027-10-30', '09:00')!, 1).toISOString()).toBe('2027-10-31T07:00:00.000Z');
  });

  it('stops a month shift at the end of a shorter month', () => {
    expect(formatHelsinkiInput(shiftInHelsinki(parseHelsinki('2027-01-31', '13:00')!, 1, 'months'))).toEqual({ date: '2027-02-28', time: '13:00' });
  });
});

describe('Finnish days off', () => {
  it('knows the moving holidays of 2027 (Easter on 28 March)', () => {
    const days = finnishHolidays(2027);
    for (const day of ['2027-03-26', '2027-03-28', '2027-03-29', '2027-05-06', '2027-05-16', '2027-06-25', '2027-06-26', '2027-11-06']) expect(days.has(day)).toBe(true);
    expect(days.has('2027-03-27')).toBe(false);
  });

  it('counts weekends, holidays and the eves nobody works on as days off', () => {
    expect(isDayOff({ year: 2027, month: 12, day: 6 })).toBe(true); // itsenäisyyspäivä, a Monday
    expect(isDayOff({ year: 2027, month: 12, day: 24 })).toBe(true); // jouluaatto
    expect(isDayOff({ year: 2027, month: 9, day: 18 })).toBe(true); // a Saturday
    expect(isDayOff({ year: 2027, month: 9, day: 14 })).toBe(false); // a Tuesday
  });
});
