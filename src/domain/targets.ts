/**
 * Host name patterns in a target selection: `*` matches any run of characters, `?` one; anything
 * else is literal. Pure.
 */

export const isPattern = (name: string) => /[*?]/.test(name);

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const c of pattern) {
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

/**
 * The hosts a list of names and patterns picks, in the order the list names them (a pattern's
 * matches by name), each once; and the entries that matched nothing.
 */
export function matchHosts<H extends { readonly id: string; readonly name: string }>(
  hosts: readonly H[],
  wanted: readonly string[],
): { hosts: H[]; unmatched: string[] } {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const sorted = [...hosts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const seen = new Set<string>();
  const out: H[] = [];
  const unmatched: string[] = [];
  const take = (h: H) => {
    if (seen.has(h.id)) return;
    seen.add(h.id);
    out.push(h);
  };
  for (const w of wanted) {
    if (isPattern(w)) {
      const re = globToRegExp(w);
      const found = sorted.filter((h) => re.test(h.name));
      if (found.length === 0) unmatched.push(w);
      found.forEach(take);
    } else {
      const h = byName.get(w) ?? byId.get(w.toLowerCase());
      if (h) take(h);
      else unmatched.push(w);
    }
  }
  return { hosts: out, unmatched };
}
