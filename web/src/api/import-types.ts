/** Inventory imports as the UI sees them (src/http/import-schemas.ts). */

export const IMPORT_FORMATS = ['ssh-config', 'ansible-ini', 'ansible-yaml', 'csv', 'vm-config'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportHosts {
  readonly format: ImportFormat;
  /** Where it goes (default: your only project; admins: default). */
  readonly projectId?: string;
  readonly files: { readonly name: string; readonly content: string }[];
  readonly main?: string;
  readonly credential?: string;
  readonly defaultUser?: string;
  readonly apply?: boolean;
}

export interface ImportNote {
  readonly source: string;
  readonly message: string;
}

export type ImportAction = 'add' | 'change' | 'unchanged';

export interface ImportPlanView {
  readonly applied: boolean;
  readonly counts: {
    readonly add: number;
    readonly change: number;
    readonly unchanged: number;
    readonly problems: number;
  };
  readonly hosts: {
    readonly name: string;
    readonly action: ImportAction;
    readonly address: string;
    readonly changes: { readonly field: string; readonly from: unknown; readonly to: unknown }[];
    readonly source: string;
  }[];
  readonly groups: {
    readonly name: string;
    readonly action: ImportAction;
    readonly addChildren: string[];
    readonly source: string;
  }[];
  readonly problems: ImportNote[];
  readonly notes: ImportNote[];
}
