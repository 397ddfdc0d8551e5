import { describe, expect, it } from 'vitest';
import { readingOf } from './date-order';
import { DateOrderSurveyor } from './date-order-survey';

/** Surveys CSV `text` handed over in pieces of `size` characters. */
function survey(text: string, size = 7) {
  const s = new DateOrderSurveyor();
  for (let i = 0; i < text.length; i += size) s.push(text.slice(i, i + size));
  return { ...s.result(), localeSeen: s.localeSeen };
}

describe('the order of locale dates in an older Entra sign-in CSV', () => {
  it('finds the first line whose date reads only one way, in the date column only, whatever the pieces', () => {
    const csv = [
      '#TYPE x',
      'UserPrincipalName,CreatedDateTime,Note',
      'a@b.c,3/4/2026 1:00:00 PM,13/14/2026',
      'a@b.c,2026-01-24T06:40:01Z,x',
      'a@b.c,"3/25/2026 2:00:00 PM",x',
      '',
      'a@b.c,25/03/2026 14:00,x',
      'a@b.c,26/03/2026 14:00,x',
    ].join('\r\n');
    for (const size of [1, 5, 64, 4096]) expect(survey(csv, size)).toEqual({ dayFirstLine: 7, monthFirstLine: 5, localeSeen: true });
    // The current layouts write ISO dates: nothing to survey.
    expect(survey('Date (UTC),User\n2026-01-24T06:40:01Z,a@b.c\n')).toEqual({
      dayFirstLine: null,
      monthFirstLine: null,
      localeSeen: false,
    });
  });

  it("reads a date that tells its own order as it is, an ambiguous one as the file's others show, and guesses nothing", () => {
    const none = { dayFirstLine: null, monthFirstLine: null };
    const dayFirst = { dayFirstLine: 9, monthFirstLine: null };
    expect(readingOf('24/01/2026 18:40', none, false)).toEqual({ order: 'day/month', note: null });
    expect(readingOf('1/24/2026 6:40:01 AM', dayFirst, true)).toEqual({ order: 'month/day', note: null });
    expect(readingOf('3/4/2026 2:00:00 pm', dayFirst, true)).toEqual({
      order: 'day/month',
      note: "read day/month, as the file's date on line 9 can only be",
    });
    expect(readingOf('3/4/2026 14:00', { dayFirstLine: null, monthFirstLine: 2 }, false)).toMatchObject({ order: 'month/day' });
    // AM/PM and nothing in the file to tell: the US portal's order, said so.
    expect(readingOf('3/4/2026 2:00:00 PM', none, true)).toEqual({
      order: 'month/day',
      note: 'read month/day (US, as the Entra portal wrote it): no date in the file tells day from month',
    });
    expect(readingOf('3/4/2026 14:00', none, false)).toMatchObject({ order: null, reason: expect.stringMatching(/without AM\/PM/) });
    expect(readingOf('3/4/2026 14:00', { dayFirstLine: 3, monthFirstLine: 2 }, false)).toMatchObject({
      order: null,
      reason: expect.stringMatching(/both orders \(day\/month on line 3, month\/day on line 2\)/),
    });
    expect(readingOf('31/04/2026 14:00', none, false)).toMatchObject({ order: null, reason: expect.stringMatching(/not a date/) });
  });

  it('reads an ambiguous date in the order the examiner gave, unless the file shows the other order', () => {
    const given = (
      order: 'day/month' | 'month/day',
      lines: { dayFirstLine: number | null; monthFirstLine: number | null } = { dayFirstLine: null, monthFirstLine: null },
    ) => ({ ...lines, given: order });
    expect(readingOf('3/4/2026 14:00', given('day/month'), false)).toEqual({
      order: 'day/month',
      note: 'read day/month, the order the examiner gave for this import (--date-order)',
    });
    // The examiner's order wins over the US guess for AM/PM text, and agrees with a file that shows the same.
    expect(readingOf('3/4/2026 2:00 PM', given('day/month'), true)).toMatchObject({ order: 'day/month' });
    expect(readingOf('3/4/2026 14:00', given('month/day', { dayFirstLine: null, monthFirstLine: 5 }), false)).toMatchObject({
      order: 'month/day',
    });
    expect(readingOf('3/4/2026 14:00', given('month/day', { dayFirstLine: 7, monthFirstLine: null }), false)).toEqual({
      order: null,
      reason:
        'date "3/4/2026 14:00" reads both ways, and the order given (--date-order month/day) is contradicted by the file\'s date on line 7, which can only be day/month',
    });
    // A date that tells its own order is read that way whatever was given.
    expect(readingOf('1/24/2026 18:40', given('day/month'), false)).toEqual({ order: 'month/day', note: null });
  });
});
