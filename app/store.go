package app

import (
	"context"
	"log/slog"

	"gorm.io/gorm"

	"hiroba/models"
	"hiroba/models/database"
)

// openStore opens the configured database, brings its schema up to date and
// makes sure the default categories exist: what every command needs before
// it touches the forum. The caller closes the returned database.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*models.Store, *gorm.DB, error) {
	db, dialect, err := database.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	applied, err := database.Migrate(ctx, db, dialect)
	if err != nil {
		database.Close(db)
		return nil, nil, err
	}
	if len(applied) > 0 && log != nil {
		log.Info("database migrated", slog.String("dialect", dialect), slog.Any("versions", applied))
	}
	store := models.NewStore(db, dialect)
	if err := store.EnsureDefaultCategories(ctx); err != nil {
		database.Close(db)
		return nil, nil, err
	}
	return store, db, nil
}
