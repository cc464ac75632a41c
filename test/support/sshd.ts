/**
 * Real OpenSSH sshd processes for tests: each on a random 127.0.0.1 port with fresh host keys,
 * a config and logs in its own temp dir, logging in as a throwaway local user. Needs root and
 * /usr/sbin/sshd (apt-get install openssh-server). Everything started is stopped on exit.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SSHD_PATH = '/usr/sbin/sshd';
/** The local account tests log in as; created once per machine, shared by all test files. */
export const TEST_USER = 'orca-test';
/** Fixed, so that test files running in parallel never change it under each other. */
export const TEST_PASSWORD = 'orca-test-password-7f3a9c';
const KEY_PASSPHRASE = 'correct horse battery staple';

export interface HostKeyInfo {
  /** e.g. `ssh-ed25519`, as the first field of the .pub file. */
  readonly algorithm: string;
  /** As printed by `ssh-keygen -lf`. */
  readonly fingerprint: string;
}

/** Private keys (file contents) authorized for TEST_USER. */
export interface ClientKeys {
  /** Ed25519, OpenSSH format, not encrypted. */
  readonly plain: string;
  /** Ed25519, OpenSSH format, encrypted with `passphrase`. */
  readonly encrypted: string;
  /** RSA, legacy PEM format, encrypted with `passphrase`. */
  readonly encryptedPem: string;
  readonly passphrase: string;
}

export interface SshdHandle {
  /** 127.0.0.1, or the address in the network namespace it was started in. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The host keys sshd currently serves (changes on restartWithNewHostKeys). */
  readonly hostKeyFingerprints: readonly HostKeyInfo[];
  readonly clientKeys: ClientKeys;
  readonly logPath: string;
  /** PID of the listening sshd. */
  readonly pid: number;
  stop(): Promise<void>;
  /** Stops, generates new host keys and starts again on the same port. */
  restartWithNewHostKeys(): Promise<void>;
  /**
   * SIGKILLs the per-connection sshd processes (and what they run), keeping the listener: every
   * open SSH connection drops mid-session, as when a host's sshd dies. Returns how many died.
   */
  killSessions(): Promise<number>;
}

export interface SshdOptions {
  /**
   * `password` (default): plain password authentication, no PAM.
   * `keyboard-interactive`: the password is only accepted through PAM's keyboard-interactive
   * prompts, as on many distributions' default sshd.
   */
  readonly passwordMethod?: 'password' | 'keyboard-interactive';
  /**
   * Run every command through a ForceCommand, as hosts with audit wrappers do. OpenSSH then
   * refuses SSH signal requests ("refusing to send signal ... to forced-command session"), so
   * only orca's own kill can stop a command. A string is the forced command itself (the user's
   * shell runs it with the client's command in $SSH_ORIGINAL_COMMAND); `true` evaluates that.
   */
  readonly forceCommand?: boolean | string;
  /**
   * Run inside this network namespace (`ip netns exec`), listening on `address` port 22 there,
   * e.g. a host reachable only through a bastion. Readiness is then read from sshd's log, since
   * the test process may have no route to it.
   */
  readonly netns?: { readonly name: string; readonly address: string };
}

const live = new Map<number, { process: ChildProcess; dir: string }>();
const tempDirs = new Set<string>();
process.once('exit', () => {
  for (const { process: child } of live.values()) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export async function startSshd(options: SshdOptions = {}): Promise<SshdHandle> {
  const [, clientKeys] = await Promise.all([ensureTestUser(), clientKeyPair()]);
  const dir = await mkdtemp(join(tmpdir(), 'orca-sshd-'));
  tempDirs.add(dir);
  // sshd reads authorized_keys as the user, so the dir must be traversable.
  await chmod(dir, 0o755);
  await writeFile(join(dir, 'authorized_keys'), clientKeys.authorizedKeys, { mode: 0o644 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  let hostKeys = await generateHostKeys(dir);
  const logPath = join(dir, 'sshd.log');
  let child: ChildProcess | null = null;
  let port = 0;
  for (let attempt = 1; !child; attempt++) {
    port = options.netns ? 22 : await freePort();
    await writeFile(join(dir, 'sshd_config'), sshdConfig(dir, port, options));
    try {
      child = await launch(dir, port, logPath, options.netns);
    } catch (error) {
      // Another process may have taken the port between freePort() and sshd's bind().
      if (attempt >= 5) throw error;
    }
  }
  let current: ChildProcess = child;

  const handle: SshdHandle = {
    host: options.netns?.address ?? '127.0.0.1',
    port,
    user: TEST_USER,
    password: TEST_PASSWORD,
    get hostKeyFingerprints() {
      return hostKeys;
    },
    clientKeys: {
      plain: clientKeys.plain,
      encrypted: clientKeys.encrypted,
      encryptedPem: clientKeys.encryptedPem,
      passphrase: KEY_PASSPHRASE,
    },
    logPath,
    get pid() {
      return current.pid ?? -1;
    },
    async stop() {
      await terminate(current);
      tempDirs.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
    async killSessions() {
      let killed = 0;
      for (const pid of await descendants(current.pid ?? -1)) {
        try {
          process.kill(pid, 'SIGKILL');
          killed++;
        } catch {
          // already gone
        }
      }
      return killed;
    },
    async restartWithNewHostKeys() {
      await terminate(current);
      hostKeys = await generateHostKeys(dir);
      current = await launch(dir, port, logPath, options.netns);
    },
  };
  return handle;
}

function sshdConfig(dir: string, port: number, options: SshdOptions): string {
  const kbd = options.passwordMethod === 'keyboard-interactive';
  return `${[
    `Port ${port}`,
    `ListenAddress ${options.netns?.address ?? '127.0.0.1'}`,
    // A bastion forwards channels to the hosts behind it.
    'AllowTcpForwarding yes',
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `HostKey ${join(dir, 'ssh_host_rsa_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    // The temp dir lives under world-writable /tmp, which StrictModes would refuse.
    'StrictModes no',
    `UsePAM ${kbd ? 'yes' : 'no'}`,
    `PasswordAuthentication ${kbd ? 'no' : 'yes'}`,
    `KbdInteractiveAuthentication ${kbd ? 'yes' : 'no'}`,
    'PubkeyAuthentication yes',
    'PermitRootLogin no',
    `AllowUsers ${TEST_USER}`,
    'UseDNS no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    'MaxStartups 100',
    'Subsystem sftp internal-sftp',
    ...(options.forceCommand
      ? [
          `ForceCommand ${options.forceCommand === true ? 'eval "$SSH_ORIGINAL_COMMAND"' : options.forceCommand}`,
        ]
      : []),
  ].join('\n')}\n`;
}

/** Starts sshd in the foreground and resolves once it answers with an SSH banner. */
async function launch(
  dir: string,
  port: number,
  logPath: string,
  netns?: SshdOptions['netns'],
): Promise<ChildProcess> {
  const log = openSync(logPath, 'a');
  const args = ['-D', '-e', '-f', join(dir, 'sshd_config')];
  // `ip netns exec` execs sshd in place, so the child's pid is sshd's.
  const child = netns
    ? spawn('ip', ['netns', 'exec', netns.name, SSHD_PATH, ...args], { stdio: ['ignore', 'ignore', log] })
    : spawn(SSHD_PATH, args, { stdio: ['ignore', 'ignore', log] });
  const logged = (await readFile(logPath, 'utf8').catch(() => '')).length;
  closeSync(log);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`sshd exited early (${code ?? signal})`)));
  });
  exited.catch(() => {});
  try {
    const ready = netns ? waitForListening(logPath, logged, 10_000) : waitForBanner(port, 10_000);
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill('SIGKILL');
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    throw new Error(`sshd on port ${port} did not start: ${(error as Error).message}\n${tail}`);
  }
  if (child.pid === undefined) throw new Error('sshd has no pid');
  live.set(child.pid, { process: child, dir });
  return child;
}

async function descendants(pid: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    const text = await run('pgrep', ['-P', String(parent)]).then(
      (r) => r.stdout,
      () => '',
    );
    for (const line of String(text).split('\n')) {
      const child = Number(line.trim());
      if (child > 0) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Per-connection sshd processes (and their privilege-separated children, which hold the
  // client's socket) outlive the listener; end the whole tree first, deepest last.
  for (const descendant of await descendants(pid)) {
    try {
      process.kill(descendant, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
  live.delete(pid);
}

/** Resolves once sshd's log, past `offset`, says it listens. */
async function waitForListening(logPath: string, offset: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = (await readFile(logPath, 'utf8').catch(() => '')).slice(offset);
    if (text.includes('Server listening on')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not log "Server listening" after ${timeoutMs} ms`);
}

function waitForBanner(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ host: '127.0.0.1', port });
      let text = '';
      const retry = () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`no SSH banner on port ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      };
      socket.setTimeout(1000, retry);
      socket.on('error', retry);
      socket.on('data', (data) => {
        text += data.toString('latin1');
        if (!text.includes('\n')) return;
        socket.destroy();
        if (text.startsWith('SSH-2.0-')) resolve();
        else reject(new Error(`port ${port} answered ${JSON.stringify(text.slice(0, 40))}, not SSH`));
      });
    };
    attempt();
  });
}

async function generateHostKeys(dir: string): Promise<HostKeyInfo[]> {
  const types = [
    ['ed25519', 'ssh_host_ed25519_key'],
    ['rsa', 'ssh_host_rsa_key'],
  ] as const;
  return Promise.all(
    types.map(async ([type, name]) => {
      const path = join(dir, name);
      await rm(path, { force: true });
      await rm(`${path}.pub`, { force: true });
      await run('ssh-keygen', [
        '-q',
        '-t',
        type,
        ...(type === 'rsa' ? ['-b', '2048'] : []),
        '-N',
        '',
        '-C',
        '',
        '-f',
        path,
      ]);
      return fingerprintWithSshKeygen(`${path}.pub`);
    }),
  );
}

/** The fingerprint and algorithm of a public key file, according to ssh-keygen itself. */
export async function fingerprintWithSshKeygen(pubPath: string): Promise<HostKeyInfo> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath]);
  const fingerprint = /\b(SHA256:[A-Za-z0-9+/]+)\s/.exec(stdout)?.[1];
  const algorithm = (await readFile(pubPath, 'utf8')).split(' ')[0];
  if (!fingerprint || !algorithm) throw new Error(`unexpected ssh-keygen output: ${stdout}`);
  return { algorithm, fingerprint };
}

interface ClientKeyFiles {
  readonly plain: string;
  readonly encrypted: string;
  readonly encryptedPem: string;
  readonly authorizedKeys: string;
}

let clientKeys: Promise<ClientKeyFiles> | null = null;

/** One set of client keys per test process (RSA generation is slow); authorized on every sshd. */
function clientKeyPair(): Promise<ClientKeyFiles> {
  clientKeys ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orca-client-keys-'));
    tempDirs.add(dir);
    const make = async (name: string, args: string[]) => {
      const path = join(dir, name);
      await run('ssh-keygen', ['-q', ...args, '-C', `orca-test-${name}`, '-f', path]);
      return { key: await readFile(path, 'utf8'), pub: await readFile(`${path}.pub`, 'utf8') };
    };
    const [plain, encrypted, pem] = await Promise.all([
      make('plain', ['-t', 'ed25519', '-N', '']),
      make('encrypted', ['-t', 'ed25519', '-N', KEY_PASSPHRASE]),
      make('encrypted-pem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', KEY_PASSPHRASE]),
    ]);
    return {
      plain: plain.key,
      encrypted: encrypted.key,
      encryptedPem: pem.key,
      authorizedKeys: plain.pub + encrypted.pub + pem.pub,
    };
  })();
  return clientKeys;
}

let userReady: Promise<void> | null = null;

/**
 * Creates TEST_USER with TEST_PASSWORD if needed. Idempotent, and safe when several test
 * processes race: "already exists" is fine and lock contention on /etc/passwd is retried.
 */
function ensureTestUser(): Promise<void> {
  userReady ??= (async () => {
    if (process.getuid?.() !== 0) throw new Error('the sshd test harness must run as root');
    const exists = await run('id', ['-u', TEST_USER]).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await retry(() =>
        run('useradd', ['--create-home', '--shell', '/bin/bash', TEST_USER]).catch(
          (error: { code?: number }) => {
            if (error.code !== 9) throw error; // 9: created meanwhile by another test process
          },
        ),
      );
    }
    // `passwd -S` prints "<user> P ..." once a usable password is set (L: locked, NP: none).
    const { stdout } = await run('passwd', ['-S', TEST_USER]);
    if (stdout.split(' ')[1] !== 'P') {
      await retry(() => chpasswd(`${TEST_USER}:${TEST_PASSWORD}\n`));
    }
  })();
  return userReady;
}

function chpasswd(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('chpasswd', (error) => (error ? reject(error) : resolve()));
    child.stdin?.end(input);
  });
}

async function retry(fn: () => Promise<unknown>, attempts = 10): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await fn();
      return;
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

/** A loopback port that was free a moment ago and is closed now: connecting is refused. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Accepts TCP connections and never sends a byte: an SSH handshake against it times out. */
export function startSilentTcpServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
