-- Output chunks are compressed with lz4 instead of pglz: measured here, pglz stores log text at
-- about 45 MB/s of server CPU and lz4 at several hundred, for a similar size (docs/performance.md).
-- Only rows written from now on use it; older rows stay readable as they are. A server built
-- without lz4 keeps pglz.
do $$
begin
  alter table execution_events alter column data set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
  raise notice 'lz4 is not available on this server; log chunks stay compressed with pglz';
end
$$;
