/**
 * WinRM: `whoami` through orca's WinRM client against pywinrm (Debian python3-winrm), both with
 * NTLMv2 and message encryption over HTTP, against the WinRM test server running in its own
 * process. Prints wall time and client CPU per command, and the ratios to pywinrm.
 *
 *   npx tsx bench/winrm.ts [commands] [concurrency]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConnectTarget } from '../src/connectors/connector.ts';
import { createWinrmConnector } from '../src/connectors/winrm/index.ts';
import { DEFAULT_USER } from '../test/support/winrm-server/index.ts';

const commands = Number(process.argv[2] ?? 50);
const concurrency = Number(process.argv[3] ?? 8);

const server = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./winrm-server.ts', import.meta.url).pathname],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const port = await new Promise<number>((resolve) => {
  createInterface({ input: server.stdout }).once('line', (line) =>
    resolve((JSON.parse(line) as { port: number }).port),
  );
});

interface Figures {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function orca(parallel: number): Promise<Figures> {
  const connector = createWinrmConnector();
  const target: ConnectTarget = {
    hostId: 'bench',
    name: 'bench',
    address: '127.0.0.1',
    port,
    username: DEFAULT_USER.username,
    knownHostKey: null,
    os: 'windows',
    shell: 'cmd',
    winrm: { https: false, auth: 'negotiate', allowUnencrypted: false, caCert: null, skipVerify: false },
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const session = await connector.open(
    target,
    { kind: 'password', password: DEFAULT_USER.password },
    { connectTimeoutMs: 10_000 },
  );
  let next = 0;
  const lane = async () => {
    while (next++ < commands) {
      const r = await session.exec('whoami', { onOutput: () => {} });
      if (r.exitCode !== 0) throw new Error(`whoami exited ${r.exitCode}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  await session.close();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function pywinrm(): Figures | null {
  const dir = mkdtempSync(join(tmpdir(), 'orca-bench-'));
  try {
    const conf = join(dir, 'openssl.cnf');
    writeFileSync(
      conf,
      'openssl_conf = openssl_init\n[openssl_init]\nproviders = p\n[p]\ndefault = d\nlegacy = l\n[d]\nactivate = 1\n[l]\nactivate = 1\n',
    );
    const script = `
import json, resource, time, winrm
s = winrm.Session('http://127.0.0.1:${port}/wsman', auth=(${JSON.stringify(DEFAULT_USER.username)}, ${JSON.stringify(DEFAULT_USER.password)}), transport='ntlm', message_encryption='always')
u0 = resource.getrusage(resource.RUSAGE_SELF)
t = time.perf_counter()
for _ in range(${commands}):
    r = s.run_cmd('whoami')
    assert r.status_code == 0
wall = (time.perf_counter() - t) * 1000
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({'wallMs': wall, 'cpuMs': (u.ru_utime + u.ru_stime - u0.ru_utime - u0.ru_stime) * 1000}))`;
    const r = spawnSync('/usr/bin/python3', ['-c', script], {
      env: { ...process.env, OPENSSL_CONF: conf },
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      console.error(`pywinrm not measured: ${r.stderr.trim().split('\n').at(-1) ?? r.error?.message}`);
      return null;
    }
    return JSON.parse(r.stdout) as Figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await orca(1); // warm up the module graph and the server
  const baseline = pywinrm();
  const rows: [string, Figures | null][] = [
    ['pywinrm 0.3.0 (sequential)', baseline],
    ['orca (sequential)', await orca(1)],
    [`orca (${concurrency} in parallel, one session)`, await orca(concurrency)],
  ];
  console.log(`${commands} × whoami over WinRM, NTLMv2 + message encryption, loopback test server`);
  console.log('client                                   wall/cmd   cpu/cmd   wall ratio  cpu ratio');
  for (const [name, f] of rows) {
    if (!f) continue;
    const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '-');
    console.log(
      `${name.padEnd(40)} ${(f.wallMs / commands).toFixed(2).padStart(7)} ms ${(f.cpuMs / commands).toFixed(2).padStart(6)} ms ${ratio(f.wallMs, baseline?.wallMs).padStart(10)} ${ratio(f.cpuMs, baseline?.cpuMs).padStart(10)}`,
    );
  }
} finally {
  server.stdin.end();
}
