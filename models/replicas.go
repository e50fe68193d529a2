package models

import (
	"context"
	"time"

	"hiroba/models/database"
)

// ReplicaConfig names the PostgreSQL streaming replicas page reads may
// come from, and how far behind they may be (package database).
type ReplicaConfig = database.ReplicaConfig

// ReplicaStats is one replica's figures.
type ReplicaStats = database.ReplicaStats

// UseReplicas sends the reads of contexts from ReadFromReplica to the
// replicas while they keep up; everything else stays on the primary.
func (s *Store) UseReplicas(cfg ReplicaConfig) error {
	r, err := database.UseReplicas(s.db, cfg)
	if err != nil {
		return err
	}
	s.replicas = r
	return nil
}

// ReadFromReplica returns a context whose reads may come from a replica:
// for requests that only show things. The first write it makes sends the
// rest of its reads to the primary.
func ReadFromReplica(ctx context.Context) context.Context {
	return database.ReadFromReplica(ctx)
}

// ReadFromPrimary returns a context whose reads all come from the primary
// and that still tells whether it wrote (Wrote): for a browser that has
// just written.
func ReadFromPrimary(ctx context.Context) context.Context {
	return database.ReadFromPrimary(ctx)
}

// Wrote reports whether anything run with ctx (from ReadFromReplica or
// ReadFromPrimary) wrote to the database.
func Wrote(ctx context.Context) bool { return database.Wrote(ctx) }

// HasReplicas reports whether the store reads from replicas at all.
func (s *Store) HasReplicas() bool { return s.replicas != nil }

// Staleness is how far behind the latest writes ctx's reads may be: zero
// when they come from the primary, else the bound replicas are held to.
func (s *Store) Staleness(ctx context.Context) time.Duration {
	if !database.MayReadReplica(ctx) {
		return 0
	}
	return s.MaxStaleness()
}

// MaxStaleness is how far behind the latest writes a read from a replica
// may be; zero without replicas.
func (s *Store) MaxStaleness() time.Duration {
	if s.replicas == nil {
		return 0
	}
	return s.replicas.Staleness()
}

// ReadStats returns how many reads the primary served and each replica's
// figures; nothing without replicas (HasReplicas).
func (s *Store) ReadStats() (primaryReads int64, replicas []ReplicaStats) {
	if s.replicas == nil {
		return 0, nil
	}
	return s.replicas.Stats()
}
