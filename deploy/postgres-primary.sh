#!/bin/sh
# Run once by the postgres image when the primary's data directory is made
# (mounted in /docker-entrypoint-initdb.d by compose.yaml): the role the
# replica streams as, the pg_hba.conf line that lets it in, and the slot
# that keeps the WAL the replica has not received yet.
set -eu
psql -v ON_ERROR_STOP=1 -v password="$REPLICATION_PASSWORD" \
	--username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SELECT pg_create_physical_replication_slot('replica');
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
