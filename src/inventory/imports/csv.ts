/**
 * A CSV file with a header row. Columns (case-insensitive; order free): `name` (required),
 * `address` (or `host`, `hostname`; default the name), `port`, `user` (or `username`), `os`,
 * `transport`, `jump` (or `jump_host`), `groups` and `tags` (separated by `;` or spaces), and
 * `labels` (`k=v;k2=v2`). Any other column becomes a label of that name. Quoting as RFC 4180.
 */
import { parse } from 'csv-parse/sync';
import { ImportError, type ImportedHost, type ImportNote, type ImportResult } from './types.ts';

const ALIASES: Record<string, string> = {
  name: 'name',
  address: 'address',
  host: 'address',
  hostname: 'address',
  port: 'port',
  user: 'user',
  username: 'user',
  os: 'os',
  transport: 'transport',
  jump: 'jump',
  jump_host: 'jump',
  jumphost: 'jump',
  groups: 'groups',
  tags: 'tags',
  labels: 'labels',
};
const LABEL_KEY = /^[A-Za-z0-9_./-]{1,64}$/;

const list = (text: string | undefined) => (text ?? '').split(/[;\s]+/).filter(Boolean);

export function parseCsv(text: string, file: string): ImportResult {
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (e) {
    throw new ImportError(file, `not valid CSV: ${(e as Error).message}`);
  }
  const [header, ...data] = rows;
  if (!header) throw new ImportError(file, 'empty: a header row is expected');
  const columns = header.map((h) => ALIASES[h.toLowerCase()] ?? `label:${h}`);
  if (!columns.includes('name')) throw new ImportError(`${file}:1`, 'the header has no name column');
  const notes: ImportNote[] = [];
  for (const c of columns) {
    if (c.startsWith('label:') && !LABEL_KEY.test(c.slice(6))) {
      throw new ImportError(`${file}:1`, `column ${JSON.stringify(c.slice(6))} is not a valid label name`);
    }
  }
  const hosts: ImportedHost[] = [];
  for (const [i, row] of data.entries()) {
    const source = `${file}:${i + 2}`;
    const cell: Record<string, string> = {};
    const labels: Record<string, string> = {};
    for (const [j, value] of row.entries()) {
      const c = columns[j];
      if (c === undefined) {
        notes.push({ source, message: `value ${JSON.stringify(value)} has no column, ignored` });
      } else if (c.startsWith('label:')) {
        if (value !== '') labels[c.slice(6)] = value;
      } else cell[c] = value;
    }
    if (!cell.name) {
      notes.push({ source, message: 'no name, row skipped' });
      continue;
    }
    for (const pair of (cell.labels ?? '').split(';').filter((p) => p.trim())) {
      const at = pair.indexOf('=');
      if (at <= 0) notes.push({ source, message: `label ${JSON.stringify(pair)} is not k=v, ignored` });
      else labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    const port = cell.port ? Number(cell.port) : undefined;
    if (cell.port && !(Number.isInteger(port) && port! >= 1 && port! <= 65535)) {
      notes.push({ source, message: `port ${cell.port} is not a port number; the default is used` });
    }
    const os = cell.os?.toLowerCase();
    if (os && os !== 'linux' && os !== 'windows')
      notes.push({ source, message: `os ${cell.os}: linux or windows; ignored` });
    const transport = cell.transport?.toLowerCase();
    if (transport && transport !== 'ssh' && transport !== 'winrm') {
      notes.push({ source, message: `transport ${cell.transport}: ssh or winrm; ignored` });
    }
    hosts.push({
      name: cell.name,
      address: cell.address || cell.name,
      port: Number.isInteger(port) && port! >= 1 && port! <= 65535 ? port : undefined,
      username: cell.user || undefined,
      os: os === 'linux' || os === 'windows' ? os : undefined,
      transport: transport === 'ssh' || transport === 'winrm' ? transport : undefined,
      jumpHost: cell.jump || undefined,
      groups: list(cell.groups),
      tags: list(cell.tags),
      labels,
      source,
    });
  }
  return { hosts, groups: [], notes };
}
