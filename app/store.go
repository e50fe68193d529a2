package app

import (
	"context"
	"fmt"
	"log/slog"

	"hiroba/models"
	"hiroba/models/blobs"
)

// openStore opens the configured database, brings its schema up to date and
// makes sure the default categories exist: what every command needs before
// it touches the forum. The caller closes the store.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*models.Store, error) {
	store, err := models.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	applied, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if len(applied) > 0 && log != nil {
		log.Info("database migrated", slog.String("dialect", store.Dialect()), slog.Any("versions", applied))
	}
	if err := store.EnsureDefaultCategories(ctx); err != nil {
		store.Close()
		return nil, err
	}
	if len(cfg.Replicas.URLs) > 0 {
		rc := cfg.Replicas
		rc.Log = log
		if err := store.UseReplicas(rc); err != nil {
			store.Close()
			return nil, fmt.Errorf("app: HIROBA_DATABASE_REPLICA_URLS: %w", err)
		}
	}
	return store, nil
}

// openUploads opens the store uploaded images are kept in. A wrong spec, a
// bucket that is not there or credentials it refuses stop start-up here,
// not the first person who attaches a screenshot.
func openUploads(ctx context.Context, cfg Config) (blobs.Store, error) {
	uploads, err := blobs.OpenEnv(ctx, cfg.Uploads, cfg.env())
	if err != nil {
		return nil, fmt.Errorf("app: HIROBA_UPLOADS: %w", err)
	}
	return uploads, nil
}
