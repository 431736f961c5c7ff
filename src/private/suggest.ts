/**
 * "Did you mean" for misspelled names: the candidates closest to `word` by edit distance
 * (insertions, deletions, substitutions and swaps of neighbours), ignoring case, "_" and "-",
 * within a third of the word's length (at least 1, at most 3). Ties are all returned.
 */
export function closest(word: string, candidates: Iterable<string>): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const target = norm(word);
  const names = [...candidates];
  const near = closestByEdits(target, names, norm);
  return near.length > 0 ? near : closestByWords(word, names);
}

/**
 * When no name is a few edits away: the candidates that share the word's leading or trailing
 * camelCase words, the longest share first (`apiServerAddress` is near `apiServerHost`,
 * `kubeletDirectory` near `kubeletDir`, `version` near `driverVersion`). A shared word must be
 * at least 3 letters, so that `port` does not suggest every `...Port`.
 */
function closestByWords(word: string, candidates: Iterable<string>): string[] {
  const words = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s_-]+/).filter((w) => w !== '');
  const mine = words(word);
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const theirs = words(candidate);
    let lead = 0;
    while (lead < Math.min(mine.length, theirs.length) && mine[lead] === theirs[lead]) {
      lead++;
    }
    let trail = 0;
    while (trail < Math.min(mine.length, theirs.length) && mine[mine.length - 1 - trail] === theirs[theirs.length - 1 - trail]) {
      trail++;
    }
    // A word that begins another (kubeletDir, kubeletDirectory) counts as shared.
    const prefix = lead < mine.length && lead < theirs.length && lead > 0
      && (mine[lead].startsWith(theirs[lead]) || theirs[lead].startsWith(mine[lead])) && Math.min(mine[lead].length, theirs[lead].length) >= 3;
    const shared = Math.max(lead + (prefix ? 1 : 0), trail);
    const letters = (lead >= trail ? mine.slice(0, lead) : mine.slice(mine.length - trail)).join('').length;
    if (shared > 0 && (letters >= 3 || prefix)) {
      scored.push([candidate, shared]);
    }
  }
  const best = Math.max(0, ...scored.map(([, s]) => s));
  return scored.filter(([, s]) => s === best).map(([c]) => c).slice(0, 3);
}

function closestByEdits(target: string, candidates: Iterable<string>, norm: (s: string) => string): string[] {
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
