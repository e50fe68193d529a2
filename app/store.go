package app

import (
	"context"
	"log/slog"

	"hiroba/models"
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
	return store, nil
}
