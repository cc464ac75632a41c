/** Inventory imports: one source format to hosts and groups, a plan against the inventory, apply. */
import { parseAnsibleIni, parseAnsibleYaml } from './ansible.ts';
import { parseCsv } from './csv.ts';
import { parseSshConfig } from './ssh-config.ts';
import { ImportError, type ImportFiles, type ImportResult } from './types.ts';
import { parseVmConfig } from './vm-config.ts';

export const IMPORT_FORMATS = ['ssh-config', 'ansible-ini', 'ansible-yaml', 'csv', 'vm-config'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Parses the files of one import; `main` is the file to start from (default: the first). */
export function parseImport(format: ImportFormat, files: ImportFiles, main?: string): ImportResult {
  const first = main ?? [...files.keys()][0];
  if (first === undefined) throw new ImportError('files', 'no file given');
  const text = files.get(first);
  if (text === undefined) throw new ImportError(first, 'no such file in the import');
  switch (format) {
    case 'ssh-config':
      return parseSshConfig(files, first);
    case 'ansible-ini':
      return parseAnsibleIni(text, first);
    case 'ansible-yaml':
      return parseAnsibleYaml(text, first);
    case 'csv':
      return parseCsv(text, first);
    case 'vm-config':
      return parseVmConfig(files);
  }
}
