/**
 * Levenshtein distance between two sequences (of code points), computed only within `limit` of
 * the diagonal (Ukkonen's band): the answer is exact when it is at most `limit`, and `limit + 1`
 * otherwise. Time is about shorter length x (2 x limit + 1), memory two rows.
 */
export function editDistance(first: readonly string[], second: readonly string[], limit: number): number {
  const [short, long] = first.length <= second.length ? [first, second] : [second, first];
  const over = limit + 1;
  if (long.length - short.length > limit) return over;
  const n = short.length;
  let previous = new Array<number>(n + 1);
  let current = new Array<number>(n + 1);
  for (let i = 0; i <= n; i++) previous[i] = i <= limit ? i : over;
  for (let j = 1; j <= long.length; j++) {
    current.fill(over);
    const from = Math.max(0, j - limit);
    const to = Math.min(n, j + limit);
    let rowMin = over;
    if (from === 0) rowMin = current[0] = j;
    for (let i = Math.max(1, from); i <= to; i++) {
      const cost = short[i - 1] === long[j - 1] ? 0 : 1;
      const value = Math.min((previous[i - 1] as number) + cost, (previous[i] as number) + 1, (current[i - 1] as number) + 1, over);
      current[i] = value;
      if (value < rowMin) rowMin = value;
    }
    // Every path goes through this row: when all of it is over the limit, so is the distance.
    if (rowMin >= over) return over;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[n] as number, over);
}
