/**
 * "Did you mean" for misspelled names: the candidates closest to `word` by edit distance
 * (insertions, deletions, substitutions and swaps of neighbours), ignoring case, "_" and "-",
 * within a third of the word's length (at least 1, at most 3). Ties are all returned.
 */
export function closest(word: string, candidates: Iterable<string>): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const target = norm(word);
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  let best = limit + 1;
  let found: string[] = [];
  for (const candidate of candidates) {
    const d = distance(target, norm(candidate));
    if (d < best) {
      best = d;
      found = [candidate];
    } else if (d === best && !found.includes(candidate)) {
      found.push(candidate);
    }
  }
  return found.slice(0, 3);
}

/** `; did you mean a or b?` for the closest candidates, or '' when none is close. */
export function didYouMean(word: string, candidates: Iterable<string>, render: (c: string) => string = (c) => c): string {
  const found = closest(word, candidates);
  return found.length > 0 ? `; did you mean ${found.map(render).join(' or ')}?` : '';
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
export function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
  }
  for (let j = 1; j <= b.length; j++) {
    rows[0][j] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}
