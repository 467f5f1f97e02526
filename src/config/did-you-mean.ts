/**
 * "Did you mean" for a mistyped name (a flag, a config key, a `-p` parameter): the closest known
 * name by edit distance, when it is close enough to be a typo rather than a different word.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const previous = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return rows[a.length]?.[b.length] as number;
}

/** Compared without case, dashes or underscores: `max_requests`, `maxRequests` and `max-requests` are one name. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/**
 * The known name closest to `name`, or undefined when none is within a third of its length
 * (at least one edit): `concurency` finds `concurrency`, `colour` finds nothing.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = fold(name);
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    if (candidate === name) continue;
    const folded = fold(candidate);
    const distance = folded === wanted ? 0 : editDistance(wanted, folded);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
