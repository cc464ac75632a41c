-- A credential of kind ssh-agent holds no key: the worker's SSH agent authenticates.
alter table credentials drop constraint credentials_kind_check;
alter table credentials add constraint credentials_kind_check check (kind in ('password', 'ssh-key', 'ssh-agent'));
