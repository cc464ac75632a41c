/**
 * One attempt of one step on one host, by type. Commands and scripts are rendered with the host's
 * shell quoting (render.ts); paths and environment values are data and rendered plain. Every
 * remote contact goes through `withSession`, so steps share the pooled connection.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import {
  ConnectorError,
  type ExecResult,
  FailureKind,
  type OutputStream,
  type Session,
} from '../connectors/connector.ts';
import { ArtifactWriter } from '../db/artifacts.ts';
import type { Os, Shell } from '../domain/host-settings.ts';
import { type RenderContext, renderPlain, renderShell } from '../domain/jobs/render.ts';
import type { CommandVariants, StepSpec } from '../domain/jobs/types.ts';
import { redact } from '../domain/redact.ts';
import { powershellQuote, shQuote } from '../domain/shell-quote.ts';
import { asUser, stdinScript } from './become.ts';
import type { EngineDeps } from './deps.ts';
import { execOptions } from './step-env.ts';
import { syncDirectory } from './sync.ts';
import { mkdirCommands } from './sync-remote.ts';

export interface StepAttempt {
  readonly deps: EngineDeps;
  readonly runId: string;
  readonly executionId: string;
  readonly hostName: string;
  readonly index: number;
  readonly step: StepSpec;
  readonly os: Os;
  /** The host's shell (commands of remote steps are written for it). */
  readonly shell: Shell;
  readonly context: RenderContext;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Runs `fn` on the host's pooled session, opening one if needed. */
  readonly withSession: <T>(fn: (session: Session) => Promise<T>) => Promise<T>;
  readonly onOutput: (stream: OutputStream, chunk: Buffer) => void | Promise<void>;
  /** A line from orca about what the step does, in the host's log. */
  readonly log: (line: string) => void;
  /** The password sudo gets for `become` steps: the host's login password, when it logs in with one. */
  readonly becomePassword: () => Promise<string | null>;
}

const OK: ExecResult = { exitCode: 0, signal: null };

export async function attemptStep(a: StepAttempt): Promise<ExecResult> {
  const step = a.step;
  switch (step.type) {
    case 'exec': {
      const rendered = renderShell(variant(step.command, a.os, a.step.id), a.context, a.shell);
      const options = execOptions(a, undefined, rendered);
      if (!step.become) return a.withSession((s) => s.exec(rendered.text, options));
      const run = await asUser(a, step.become, rendered.text, options.secretEnv);
      return a.withSession((s) => s.exec(run.command, { ...options, stdinLine: run.stdinLine }));
    }
    case 'script':
      return runScript(a, step);
    case 'local':
      return runLocal(a, step.command);
    case 'upload':
      return upload(a, step.source, step.destination);
    case 'download':
      return download(a, step.source, step.artifact);
    case 'sync':
      return sync(a, step.source, step.destination);
  }
}

/** The command for the host's OS: its own variant, else the default. */
export function variant(v: CommandVariants, os: Os, stepId: string): string {
  const text = v[os] ?? v.default;
  if (text === undefined) {
    throw new ConnectorError(
      FailureKind.protocol,
      `step "${stepId}" has no command for ${os} hosts; add a "${os}:" or "default:" variant`,
    );
  }
  return text;
}

async function runLocal(a: StepAttempt, command: string): Promise<ExecResult> {
  const session = await a.deps.local.open(
    localTarget(),
    { kind: 'password', password: '' },
    {
      connectTimeoutMs: a.deps.connectTimeoutMs,
      signal: a.signal,
    },
  );
  try {
    const rendered = renderShell(command, a.context, 'sh');
    return await session.exec(rendered.text, execOptions(a, a.deps.filesDir, rendered));
  } finally {
    await session.close();
  }
}

function localTarget() {
  return {
    hostId: 'local',
    name: 'the worker',
    address: 'localhost',
    port: 1,
    username: '',
    knownHostKey: null,
    os: 'linux' as const,
    shell: 'sh' as const,
    winrm: null,
  };
}

/** The script goes to a temporary file on the host, runs with its interpreter, and is removed. */
async function runScript(a: StepAttempt, step: Extract<StepSpec, { type: 'script' }>): Promise<ExecResult> {
  // Secret values stay out of the file too: the script reads them from its environment.
  const script = renderShell(variant(step.script, a.os, step.id), a.context, a.shell);
  const interp = step.interpreter ? renderShell(step.interpreter, a.context, a.shell) : null;
  const text = script.text;
  const interpreter = interp?.text ?? null;
  const options = execOptions(a, undefined, {
    text,
    secretEnv: { ...script.secretEnv, ...interp?.secretEnv },
  });
  return a.withSession(async (session) => {
    if (!session.put) throw new ConnectorError(FailureKind.protocol, `${a.hostName} cannot receive files`);
    const local = await mkdtemp(join(tmpdir(), 'orca-script-'));
    const name = `orca-${randomUUID()}${scriptExtension(a.shell, interpreter)}`;
    const remote = a.os === 'windows' ? `${await windowsTempDir(session, a)}${name}` : `/tmp/${name}`;
    try {
      await writeFile(join(local, 'script'), a.shell === 'sh' ? text : text.replace(/\r?\n/g, '\r\n'), {
        mode: 0o700,
      });
      await session.put(join(local, 'script'), remote, { timeoutMs: a.timeoutMs, signal: a.signal });
    } finally {
      await rm(local, { recursive: true, force: true });
    }
    try {
      // Become: the script reaches the other user on stdin, so its file stays readable by the login only.
      const run = step.become
        ? await asUser(
            a,
            step.become,
            `exec ${stdinScript(interpreter)}`,
            options.secretEnv,
            `cat ${shQuote(remote)}`,
          )
        : { command: scriptCommand(a.shell, interpreter, remote), stdinLine: undefined };
      return await session.exec(run.command, { ...options, stdinLine: run.stdinLine });
    } finally {
      await session
        .exec(removeCommand(a.shell, remote), { timeoutMs: 30_000, onOutput: () => {} })
        .catch(() => a.log(`could not remove the script file ${remote}`));
    }
  });
}

function scriptExtension(shell: Shell, interpreter: string | null): string {
  if (shell === 'powershell' && interpreter === null) return '.ps1';
  if (shell === 'cmd' && interpreter === null) return '.cmd';
  return shell === 'sh' ? '' : '.txt';
}

function scriptCommand(shell: Shell, interpreter: string | null, path: string): string {
  switch (shell) {
    case 'sh':
      return `${interpreter ?? 'sh'} ${shQuote(path)}`;
    case 'powershell':
      return interpreter ? `& ${interpreter} ${powershellQuote(path)}` : `& ${powershellQuote(path)}`;
    case 'cmd':
      return interpreter ? `${interpreter} "${path}"` : `call "${path}"`;
  }
}

function removeCommand(shell: Shell, path: string): string {
  switch (shell) {
    case 'sh':
      return `rm -f ${shQuote(path)}`;
    case 'powershell':
      return `Remove-Item -LiteralPath ${powershellQuote(path)} -Force -ErrorAction SilentlyContinue`;
    case 'cmd':
      return `del /f /q "${path}"`;
  }
}

/** The user's temporary directory on a Windows host, with a trailing backslash. */
async function windowsTempDir(session: Session, a: StepAttempt): Promise<string> {
  let out = '';
  const command = a.shell === 'cmd' ? 'echo %TEMP%\\' : '[System.IO.Path]::GetTempPath()';
  const r = await session.exec(command, {
    timeoutMs: 30_000,
    signal: a.signal,
    onOutput: (stream, chunk) => {
      if (stream === 'stdout') out += chunk.toString('utf8');
    },
  });
  const dir = out.trim();
  if (r.exitCode !== 0 || !dir) {
    throw new ConnectorError(FailureKind.protocol, `could not find the temporary directory on ${a.hostName}`);
  }
  return dir.endsWith('\\') ? dir : `${dir}\\`;
}

/** A source on the worker: inside the files directory, never outside it. */
export function workerPath(filesDir: string, path: string, field: string): string {
  const root = resolve(filesDir);
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new ConnectorError(
      FailureKind.protocol,
      `${field} ${path} is outside the worker's files directory (${root}); sources must be inside it`,
    );
  }
  return full;
}

async function ensureDirectory(a: StepAttempt, session: Session, directory: string): Promise<void> {
  for (const command of mkdirCommands({ os: a.os, shell: a.shell }, [directory])) {
    let errors = '';
    const r = await session.exec(command, {
      ...execOptions(a),
      onOutput: (stream, chunk) => {
        if (stream === 'stderr' && errors.length < 4096) errors += chunk.toString('utf8');
      },
    });
    if (r.exitCode !== 0) {
      const why = errors.trim().split(/\r?\n/)[0] ?? '';
      throw new ConnectorError(
        FailureKind.nonzeroExit,
        `could not create the directory ${directory} on ${a.hostName}${why ? `: ${why}` : ''}`,
      );
    }
  }
}

/** A destination ending in a separator names a directory: the file keeps its name there. */
function destinationFor(destination: string, source: string, os: Os): string {
  if (destination.endsWith('/') || (os === 'windows' && destination.endsWith('\\'))) {
    return destination + basename(source);
  }
  return destination;
}

async function upload(a: StepAttempt, sourceTemplate: string, destTemplate: string): Promise<ExecResult> {
  const source = workerPath(a.deps.filesDir, renderPlain(sourceTemplate, a.context), 'source');
  const info = await stat(source).catch(() => null);
  if (!info?.isFile()) {
    throw new ConnectorError(FailureKind.protocol, `source ${source} is not a file on the worker`);
  }
  const target = renderPlain(destTemplate, a.context);
  const destination = destinationFor(target, source, a.os);
  const result = await a.withSession(async (s) => {
    if (!s.put) throw new ConnectorError(FailureKind.protocol, `${a.hostName} cannot receive files`);
    // A directory destination is created when missing, as `mkdir -p` would.
    if (destination !== target) await ensureDirectory(a, s, target);
    return s.put(source, destination, { timeoutMs: a.timeoutMs, signal: a.signal });
  });
  a.log(`uploaded ${source} to ${destination}: ${result.bytes} bytes, sha256 ${result.sha256}`);
  return OK;
}

async function download(
  a: StepAttempt,
  sourceTemplate: string,
  artifactTemplate: string,
): Promise<ExecResult> {
  const source = renderPlain(sourceTemplate, a.context);
  // The name is stored and shown with the run: a secret in it is masked like output.
  const name = redact(
    renderPlain(artifactTemplate, a.context) || basename(source.replaceAll('\\', '/')),
    a.context.secrets ?? [],
  );
  const writer = await ArtifactWriter.create(a.deps.db, {
    runId: a.runId,
    executionId: a.executionId,
    stepIndex: a.index,
    name,
  });
  try {
    const result = await a.withSession((s) => {
      if (!s.get) throw new ConnectorError(FailureKind.protocol, `${a.hostName} cannot send files`);
      return s.get(source, {
        timeoutMs: a.timeoutMs,
        signal: a.signal,
        maxBytes: a.deps.artifactLimitBytes,
        onData: (chunk) => writer.write(chunk),
      });
    });
    await writer.complete(result.sha256);
    a.log(`downloaded ${source} as artifact ${name}: ${result.bytes} bytes, sha256 ${result.sha256}`);
    return OK;
  } catch (error) {
    await writer.discard().catch(() => {});
    throw error;
  }
}

async function sync(a: StepAttempt, sourceTemplate: string, destTemplate: string): Promise<ExecResult> {
  const source = workerPath(a.deps.filesDir, renderPlain(sourceTemplate, a.context), 'source');
  const info = await stat(source).catch(() => null);
  if (!info?.isDirectory()) {
    throw new ConnectorError(FailureKind.protocol, `source ${source} is not a directory on the worker`);
  }
  const remoteDir = renderPlain(destTemplate, a.context);
  const result = await a.withSession((s) =>
    syncDirectory(s, {
      os: a.os,
      shell: a.shell,
      localDir: source,
      remoteDir,
      timeoutMs: a.timeoutMs,
      signal: a.signal,
      onLog: a.log,
    }),
  );
  a.log(
    `synced ${source} to ${remoteDir}: ${result.uploaded.length} file(s) copied (${result.bytes} bytes), ${result.unchanged} unchanged`,
  );
  return OK;
}
