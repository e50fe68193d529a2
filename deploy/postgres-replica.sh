#!/bin/sh
# The replica's entrypoint in compose.yaml: the first time, copy the
# primary with pg_basebackup -R (which writes standby.signal and the
# connection to stream from), then start as the postgres image does.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	echo "replica: copying the primary"
	# A copy cut short is started again from nothing.
	rm -rf "$PGDATA.new"
	PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup --host=primary --username=replicator \
		--pgdata="$PGDATA.new" --write-recovery-conf --wal-method=stream --slot=replica \
		--checkpoint=fast
	rm -rf "$PGDATA"
	mv "$PGDATA.new" "$PGDATA"
fi
# Queries on the replica keep the primary from vacuuming away rows they
# still read, instead of being cancelled.
exec docker-entrypoint.sh postgres -c hot_standby_feedback=on
