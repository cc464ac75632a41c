/** How statuses and failure kinds look and read in the UI. */
import type { ExecutionStatus, FailureKind } from '../api/types.ts';

export const STATUS_COLOR: Record<ExecutionStatus, string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  canceled: 'orange',
  lost: 'grape',
  skipped: 'yellow',
};

/** A title for each failure kind and what to do about it. */
export const FAILURE_HELP: Record<FailureKind, { title: string; hint: string }> = {
  unreachable: {
    title: 'Host unreachable',
    hint: 'Check the address, the port and any firewall between orca and the host.',
  },
  auth: {
    title: 'Authentication failed',
    hint: 'The host rejected the credential: check the user name and the credential.',
  },
  'host-key': {
    title: 'Host key changed',
    hint: 'The host presented a different key. Verify it, then accept the new key.',
  },
  timeout: { title: 'Timed out', hint: 'The host or the command took too long.' },
  'nonzero-exit': { title: 'Command failed', hint: 'The command exited with a non-zero code.' },
  canceled: { title: 'Canceled', hint: 'Someone canceled the run; the remote process was killed.' },
  protocol: {
    title: 'Protocol error',
    hint: 'The host did not answer as expected; check that the port serves the chosen transport (SSH or WinRM).',
  },
  lost: { title: 'Worker lost', hint: 'The worker running this died; run the command again.' },
};
