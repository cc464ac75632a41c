import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  COMMAND_LINE_LIMIT,
  decodePowerShell,
  POWERSHELL_STDIN_COMMAND_LINE,
  scriptFromInvocation,
} from '../windows/powershell.ts';
import { killCommand, wrapCommand } from './command.ts';
import { planInvocation } from './invocation.ts';
import {
  powershellPrologue,
  taskkillCommand,
  windowsExitCode,
  wrapCmdForSsh,
  wrapPowerShellForSsh,
} from './windows-command.ts';

const HOSTILE = [
  "'; Remove-Item -Recurse C:\\ #",
  '$(whoami)',
  '`whoami`',
  '"double" $env:PATH',
  'line one\nline two\r\n',
  '‘typographic’ ‚quotes‛ and \u2019; whoami',
  "''",
  '& | < > ^ ( ) ; @ { }',
  '',
];

const PS_QUOTES = "'\u2018\u2019\u201a\u201b";

/**
 * Splits PowerShell text into statements at `;` and newlines outside string literals, reading
 * literals as PowerShell does: in a single-quoted one, any of ' ‘ ’ ‚ ‛ followed by another is one
 * literal quote, else it ends the string. Returns each statement with its literals decoded.
 */
function statements(text: string): { source: string; literals: string[] }[] {
  const out: { source: string; literals: string[] }[] = [];
  let source = '';
  let literals: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (PS_QUOTES.includes(c)) {
      let value = '';
      for (i++; i < text.length; i++) {
        const d = text[i] ?? '';
        if (!PS_QUOTES.includes(d)) value += d;
        else if (PS_QUOTES.includes(text[i + 1] ?? 'x')) value += text[++i];
        else break;
      }
      assert.ok(i < text.length, `unterminated literal in ${JSON.stringify(text)}`);
      literals.push(value);
      source += "'…'";
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      source += text.slice(i, end + 1);
      i = end;
    } else if (c === ';' || c === '\n') {
      out.push({ source: source.trim(), literals });
      source = '';
      literals = [];
    } else source += c;
  }
  out.push({ source: source.trim(), literals });
  return out;
}

test('the PowerShell prologue prints the PID, sets env and cwd, and hostile values stay inside their literals', () => {
  const env = Object.fromEntries(HOSTILE.map((v, i) => [`ORCA_V${i}`, v]));
  const cwd = "C:\\it's ‘a’ $(dir)\n`x`";
  const parsed = statements(powershellPrologue({ env, cwd, pidMarker: 'ORCA_PID_ab12' }));
  assert.deepEqual(parsed, [
    { source: 'Write-Output "ORCA_PID_ab12=$PID"', literals: [] },
    ...HOSTILE.map((v, i) => ({ source: `$env:ORCA_V${i} = '…'`, literals: [v] })),
    { source: "Set-Location -LiteralPath '…'", literals: [cwd] },
    { source: 'if (-not $?) { exit 1 }', literals: [] },
    { source: '[Environment]::CurrentDirectory = $PWD.ProviderPath', literals: [] },
  ]);
  assert.equal(powershellPrologue({ pidMarker: 'M' }), 'Write-Output "M=$PID"');
});

test('the prologue refuses what it cannot pass', () => {
  assert.throws(() => powershellPrologue({ env: { 'A-B': 'x' }, pidMarker: 'M' }), /A-B/);
  assert.throws(() => powershellPrologue({ env: { 'A;B': 'x' }, pidMarker: 'M' }), TypeError);
  assert.throws(() => powershellPrologue({ env: { A: 'x\0' }, pidMarker: 'M' }), /NUL/);
  assert.throws(() => powershellPrologue({ cwd: 'C:\\\0', pidMarker: 'M' }), /NUL/);
  assert.throws(() => powershellPrologue({ pidMarker: 'M"; whoami #' }), /plain word/);
  assert.throws(() => wrapPowerShellForSsh('a\0b', { pidMarker: 'M' }), /NUL/);
});

test('PowerShell runs the prologue, then the script as its own block, in one -EncodedCommand', () => {
  const script = 'Write-Output hi\nexit 3';
  const inv = wrapPowerShellForSsh(script, { env: { A: "'; whoami" }, pidMarker: 'M' });
  assert.match(
    inv.commandLine,
    /^powershell\.exe -NoLogo -NoProfile -NonInteractive .*-EncodedCommand [A-Za-z0-9+/=]+$/,
  );
  assert.equal(inv.stdin, '');
  assert.equal(inv.printsPid, true);
  assert.equal(inv.clixmlStderr, true);
  // The user's script is exactly what was given: it keeps its line numbers and may open with param().
  assert.equal(scriptFromInvocation(inv.commandLine), script);
  const wrapped = decodePowerShell(/-EncodedCommand (\S+)$/.exec(inv.commandLine)?.[1] ?? '');
  const prologue = powershellPrologue({ env: { A: "'; whoami" }, pidMarker: 'M' });
  assert.ok(wrapped.split('\n').includes(prologue), wrapped);
  assert.ok(wrapped.indexOf(prologue) < wrapped.indexOf('[scriptblock]::Create'));
});

test('a script too long for cmd goes through stdin, which carries it whole', () => {
  const script = `Write-Output '${'x'.repeat(COMMAND_LINE_LIMIT)}'`;
  const inv = wrapPowerShellForSsh(script, { cwd: 'C:\\Temp', pidMarker: 'M' });
  assert.equal(inv.commandLine, POWERSHELL_STDIN_COMMAND_LINE);
  assert.ok(inv.stdin.endsWith('\r\n\r\n'));
  assert.equal(scriptFromInvocation(inv.commandLine, inv.stdin), script);
});

/** The parts of a cmd line split at `&` and `||` outside double quotes, as cmd's parser splits it. */
function cmdSegments(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '&' || (c === '|' && line[i + 1] === '|'))) {
      out.push(current);
      current = '';
      if (c === '|') i++;
      continue;
    }
    assert.ok(quoted || c === '"' || !'<>^()|%!'.includes(c), `${c} outside quotes in ${line}`);
    current += c;
  }
  out.push(current);
  return out;
}

test('cmd gets cd and set before the command as written, hostile values inside double quotes', () => {
  const safe = HOSTILE.filter((v) => !/["%!\r\n]/.test(v));
  const env = Object.fromEntries(safe.map((v, i) => [`ORCA_V${i}`, v]));
  const cwd = "C:\\it's (a) & b ^ ‘c’";
  const inv = wrapCmdForSsh('echo hi& exit /b 4', { env, cwd });
  assert.deepEqual(inv, {
    commandLine: `cd /d "${cwd}"||exit 1&${safe.map((v, i) => `set "ORCA_V${i}=${v}"&`).join('')}echo hi& exit /b 4`,
    stdin: '',
    printsPid: false,
    clixmlStderr: false,
  });
  const prefix = inv.commandLine.slice(0, -'echo hi& exit /b 4'.length);
  assert.deepEqual(cmdSegments(prefix), [
    `cd /d "${cwd}"`,
    'exit 1',
    ...safe.map((v, i) => `set "ORCA_V${i}=${v}"`),
    '',
  ]);
  assert.equal(wrapCmdForSsh('ver', {}).commandLine, 'ver');
});

test('cmd refuses values it would act on even inside quotes, naming them', () => {
  for (const bad of ['say "hi"', '100%', '%PATH%', 'wow!', 'a\rb', 'a\nb', 'a\0b']) {
    assert.throws(
      () => wrapCmdForSsh('ver', { env: { V: bad } }),
      (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /the value of V cannot be passed to cmd safely/);
        return true;
      },
    );
    assert.throws(
      () => wrapCmdForSsh('ver', { cwd: `C:\\${bad}` }),
      /the working directory cannot be passed/,
    );
  }
  assert.throws(() => wrapCmdForSsh('ver', { env: { 'A&B': 'x' } }), /A&B/);
  assert.throws(() => wrapCmdForSsh('ver\0', {}), /NUL/);
});

test('Windows kills with taskkill over the process tree and refuses system PIDs', () => {
  assert.equal(taskkillCommand(4242), 'taskkill /F /T /PID 4242');
  for (const pid of [0, 4, -1, 1.5, Number.NaN, 2 ** 60])
    assert.throws(() => taskkillCommand(pid), RangeError);
});

test('Windows exit codes are read as signed 32-bit numbers', () => {
  assert.equal(windowsExitCode(0), 0);
  assert.equal(windowsExitCode(3), 3);
  assert.equal(windowsExitCode(4294967295), -1);
  assert.equal(windowsExitCode(3221225786), -1073741510);
});

test('the invocation follows the host: POSIX as before, PowerShell by default on Windows, or cmd', () => {
  const options = { env: { A: 'b' }, cwd: '/srv', pidMarker: 'M' };
  const linux = planInvocation({ os: 'linux', shell: 'sh' }, 'echo hi', options);
  assert.equal(linux.commandLine, wrapCommand('echo hi', options));
  assert.equal(linux.stdin, null);
  assert.equal(linux.printsPid, true);
  assert.equal(linux.clixmlStderr, false);
  assert.equal(linux.killCommand(42), killCommand(42));
  assert.equal(linux.exitCode(4294967295), 4294967295);

  const ps = planInvocation({ os: 'windows', shell: 'powershell' }, 'whoami', options);
  assert.deepEqual(
    { ...ps, killCommand: undefined, exitCode: undefined },
    {
      ...wrapPowerShellForSsh('whoami', options),
      stdinLine: null,
      killCommand: undefined,
      exitCode: undefined,
    },
  );
  assert.equal(ps.killCommand(42), 'taskkill /F /T /PID 42');
  assert.equal(ps.exitCode(4294967295), -1);

  const cmd = planInvocation({ os: 'windows', shell: 'cmd' }, 'ver', { ...options, cwd: 'C:\\' });
  assert.equal(cmd.commandLine, 'cd /d "C:\\"||exit 1&set "A=b"&ver');
  assert.equal(cmd.printsPid, false);
  assert.equal(cmd.killCommand(42), 'taskkill /F /T /PID 42');
});
