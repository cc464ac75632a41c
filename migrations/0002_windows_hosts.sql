-- Windows hosts: the shell commands are run in, and how to reach a host over WinRM.

alter table hosts
  add column shell text not null default 'sh' check (shell in ('sh', 'powershell', 'cmd')),
  -- WinRM only: HTTPS (5986) instead of HTTP with message encryption (5985)
  add column winrm_https boolean not null default false,
  add column winrm_auth text not null default 'negotiate' check (winrm_auth in ('negotiate', 'basic')),
  -- the host accepts unencrypted messages (Basic over plain HTTP); never true on a default Windows Server
  add column winrm_allow_unencrypted boolean not null default false,
  -- PEM certificate(s) the host's HTTPS certificate must chain to, beside the system's
  add column winrm_ca_cert text,
  -- accept any HTTPS certificate: explicit opt-in only
  add column winrm_skip_verify boolean not null default false,
  add constraint hosts_winrm_is_windows check (transport = 'ssh' or os = 'windows'),
  add constraint hosts_shell_fits_os check ((os = 'linux') = (shell = 'sh'));
