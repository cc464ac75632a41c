import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jumpChainProblem, MAX_JUMP_HOPS } from './jump-chain.ts';

const ssh = (id: string) => ({ id, name: id, transport: 'ssh' as const });

test('a host without a bastion, or with a chain of SSH bastions, is fine', () => {
  assert.equal(jumpChainProblem(ssh('web'), []), null);
  assert.equal(jumpChainProblem(ssh('web'), [ssh('jump-2'), ssh('jump-1')]), null);
  assert.equal(jumpChainProblem({ id: null, name: 'new' }, [ssh('jump-1')]), null);
});

test('a chain that leads back to the host is a circle, named hop by hop', () => {
  assert.equal(
    jumpChainProblem(ssh('a'), [ssh('b'), ssh('c'), ssh('a')]),
    'a → b → c → a goes in a circle; a host cannot reach itself through its bastions',
  );
  assert.match(jumpChainProblem(ssh('a'), [ssh('a')]) ?? '', /^a → a goes in a circle/);
});

test('a circle further up the chain is refused too', () => {
  assert.equal(jumpChainProblem(ssh('a'), [ssh('b'), ssh('c'), ssh('b')]), 'a → b → c → b goes in a circle');
});

test('a WinRM host may go through SSH bastions; a WinRM bastion is refused, with the reason', () => {
  assert.equal(jumpChainProblem({ id: 'w', name: 'win' }, [ssh('jump')]), null);
  assert.equal(
    jumpChainProblem(ssh('a'), [{ id: 'w', name: 'win', transport: 'winrm' }]),
    'bastion win is reached over winrm; a bastion must be an SSH host',
  );
});

test('chains longer than the limit are refused', () => {
  const chain = Array.from({ length: MAX_JUMP_HOPS + 1 }, (_, i) => ssh(`j${i}`));
  assert.match(jumpChainProblem(ssh('a'), chain) ?? '', /more than 8 bastions/);
  assert.equal(jumpChainProblem(ssh('a'), chain.slice(1)), null);
});
