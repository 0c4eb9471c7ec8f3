// The thread page's statement leaves its rows in the order the plan reads them (no final sort of
// 52 wide rows); inPageOrder puts them in the page's order whatever order they come in.
import { inPageOrder } from '../src/forums/forums.service';

describe('the thread page’s rows in order', () => {
  const head = { part: 0, created_key: null, id: null };
  const post = (created_key: string, id: string) => ({ part: 1, created_key, id });
  const a = post('2026-03-02T08:00:00.000001Z', '0b6f1f3e-0000-4000-8000-000000000001');
  // The same microsecond: the id decides, as PostgreSQL's uuid order does (its bytes, so its hex text).
  const b = post('2026-03-02T08:00:00.000001Z', 'f1000000-0000-4000-8000-000000000000');
  const c = post('2026-03-02T08:00:00.000002Z', '00000000-0000-4000-8000-000000000000');
  const d = post('2026-11-30T23:59:59.999999Z', '10000000-0000-4000-8000-000000000000');

  it('puts the head first and the posts by time, then id', () => {
    expect(inPageOrder([d, b, head, c, a])).toEqual([head, a, b, c, d]);
    expect(inPageOrder([c, a, d, b, head])).toEqual([head, a, b, c, d]);
  });

  it('leaves rows already in order as they are, and a page with only its head', () => {
    expect(inPageOrder([head, a, b, c, d])).toEqual([head, a, b, c, d]);
    expect(inPageOrder([head])).toEqual([head]);
  });
});
