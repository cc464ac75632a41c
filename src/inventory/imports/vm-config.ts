/**
 * A directory of vm-config environments: `environments/<env>/config.yml`, each with `vms:`
 * entries (`<name>: { host, ansible_user, … }`). Each VM becomes a host in group `<env>` with the
 * label `env=<env>`; `template` and other keys are reported.
 */
import { parseDocument } from 'yaml';
import {
  ImportError,
  type ImportedHost,
  type ImportFiles,
  type ImportNote,
  type ImportResult,
} from './types.ts';

const PATH = /^(?:.*\/)?environments\/([^/]+)\/config\.ya?ml$/;

export function parseVmConfig(files: ImportFiles): ImportResult {
  const hosts: ImportedHost[] = [];
  const notes: ImportNote[] = [];
  const envs = new Set<string>();
  for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const env = PATH.exec(file)?.[1];
    if (!env) {
      notes.push({ source: file, message: 'not an environments/<env>/config.yml file, ignored' });
      continue;
    }
    const doc = parseDocument(text);
    if (doc.errors.length > 0) throw new ImportError(file, `not valid YAML: ${doc.errors[0]?.message}`);
    const config = doc.toJS() as { vms?: unknown; template?: unknown } | null;
    const vms = config?.vms;
    if (vms === undefined || vms === null) {
      notes.push({ source: file, message: 'no vms:, nothing to import' });
      continue;
    }
    if (typeof vms !== 'object' || Array.isArray(vms))
      throw new ImportError(file, 'vms: must map VM names to their settings');
    envs.add(env);
    if (config?.template !== undefined)
      notes.push({ source: file, message: `template ${String(config.template)}: not used by orca` });
    for (const [name, raw] of Object.entries(vms as Record<string, unknown>)) {
      const vm = (raw ?? {}) as Record<string, unknown>;
      const source = `${file} (vms.${name})`;
      if (typeof vm.host !== 'string' || vm.host === '') {
        notes.push({ source, message: `${name}: no host address, skipped` });
        continue;
      }
      for (const key of Object.keys(vm)) {
        if (!['host', 'ansible_user', 'ansible_port'].includes(key))
          notes.push({ source, message: `${name}: ${key} is not used by orca, ignored` });
      }
      const port = vm.ansible_port === undefined ? undefined : Number(vm.ansible_port);
      hosts.push({
        name,
        address: vm.host,
        port: Number.isInteger(port) && port! >= 1 && port! <= 65535 ? port : undefined,
        // vm-config's own default.
        username: typeof vm.ansible_user === 'string' ? vm.ansible_user : 'ubuntu',
        groups: [env],
        tags: [],
        labels: { env },
        source,
      });
    }
  }
  return {
    hosts,
    groups: [...envs].map((name) => ({ name, children: [], source: `environments/${name}` })),
    notes,
  };
}
