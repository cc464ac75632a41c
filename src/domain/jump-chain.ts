/**
 * Whether a host may go through a given bastion: no loops, SSH bastions only, bounded length. The
 * host itself may be SSH or WinRM (its HTTP connections are forwarded by the last bastion). Pure.
 */

export const MAX_JUMP_HOPS = 8;

export interface ChainHost {
  readonly id: string;
  readonly name: string;
  readonly transport: 'ssh' | 'winrm';
}

/**
 * The problem with making `host` go through `chain` (the proposed bastion first, then its own
 * bastions in order), or null when there is none. `host` is null for a host not created yet.
 */
export function jumpChainProblem(
  host: { readonly id: string | null; readonly name: string },
  chain: readonly ChainHost[],
): string | null {
  const first = chain[0];
  if (!first) return null;
  const names = [host.name, ...chain.map((h) => h.name)];
  const loopAt = chain.findIndex((h) => h.id === host.id);
  if (loopAt >= 0) {
    return `${names.slice(0, loopAt + 2).join(' → ')} goes in a circle; a host cannot reach itself through its bastions`;
  }
  const seen = new Set<string>();
  for (const [i, h] of chain.entries()) {
    if (seen.has(h.id)) return `${names.slice(0, i + 2).join(' → ')} goes in a circle`;
    seen.add(h.id);
  }
  const notSsh = chain.find((h) => h.transport !== 'ssh');
  if (notSsh)
    return `bastion ${notSsh.name} is reached over ${notSsh.transport}; a bastion must be an SSH host`;
  if (chain.length > MAX_JUMP_HOPS) return `a chain of more than ${MAX_JUMP_HOPS} bastions is not supported`;
  return null;
}
