/**
 * Facts a host reports about itself (hostname, OS name and version, kernel, architecture): the
 * command that asks for them on each platform, and the parsers of its output. Pure.
 */
import type { Os } from './host-settings.ts';

export interface HostFacts {
  readonly hostname: string | null;
  /** e.g. `Debian GNU/Linux`, `Microsoft Windows Server 2022 Datacenter`. */
  readonly os: string | null;
  /** e.g. `12`, `10.0.20348`. */
  readonly osVersion: string | null;
  /** Kernel release, e.g. `6.1.0-18-amd64`; the OS version's build on Windows. */
  readonly kernel: string | null;
  /** e.g. `x86_64`, `aarch64`; `AMD64`, `ARM64` on Windows, as each reports it. */
  readonly arch: string | null;
}

/** One line each: kernel name, release, machine, hostname; then /etc/os-release if there is one. */
export const POSIX_FACTS_COMMAND =
  'uname -s; uname -r; uname -m; hostname; cat /etc/os-release 2>/dev/null; true';

/** key=value lines, the same keys whatever the Windows version. */
export const WINDOWS_FACTS_SCRIPT = [
  '$os = (Get-CimInstance -ClassName Win32_OperatingSystem)',
  "'hostname=' + [Environment]::MachineName",
  "'os=' + $os.Caption",
  "'version=' + $os.Version",
  "'build=' + $os.BuildNumber",
  "'arch=' + $env:PROCESSOR_ARCHITECTURE",
].join('\n');

const orNull = (s: string | undefined): string | null => {
  const t = s?.trim();
  return t ? t : null;
};

/** The values of an os-release file (shell-style assignments, values optionally quoted). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    let value = (m[2] ?? '').trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]] = value;
  }
  return out;
}

/** Parses the output of POSIX_FACTS_COMMAND; null when it is not that output. */
export function parsePosixFacts(stdout: string): HostFacts | null {
  const lines = stdout.split(/\r?\n/);
  const [sysname, release, machine, hostname] = lines;
  if (!orNull(sysname) || !orNull(release)) return null;
  const osRelease = parseOsRelease(lines.slice(4).join('\n'));
  const hasOsRelease = Object.keys(osRelease).length > 0;
  return {
    hostname: orNull(hostname),
    os: hasOsRelease ? orNull(osRelease.NAME) : orNull(sysname),
    osVersion: hasOsRelease ? orNull(osRelease.VERSION_ID) : orNull(release),
    kernel: orNull(release),
    arch: orNull(machine),
  };
}

/** Parses the output of WINDOWS_FACTS_SCRIPT; null when none of its keys is there. */
export function parseWindowsFacts(stdout: string): HostFacts | null {
  const values: Record<string, string> = {};
  for (const line of stdout.split(/\r?\n/)) {
    const i = line.indexOf('=');
    if (i > 0) values[line.slice(0, i).trim()] = line.slice(i + 1);
  }
  const facts: HostFacts = {
    hostname: orNull(values.hostname),
    os: orNull(values.os),
    osVersion: orNull(values.version),
    kernel: orNull(values.build),
    arch: orNull(values.arch),
  };
  return Object.values(facts).some((v) => v !== null) ? facts : null;
}

export function parseFacts(os: Os, stdout: string): HostFacts | null {
  return os === 'windows' ? parseWindowsFacts(stdout) : parsePosixFacts(stdout);
}
