package search

import (
	"fmt"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"hiroba/models/servicetest"
)

// TestMain reports whether the PostgreSQL tests ran. They skip only when the
// server at postgresDSN does not answer, so it is asked once more after them.
func TestMain(m *testing.M) {
	m.Run()
	status := servicetest.New("postgres")
	db, err := gorm.Open(postgres.Open(postgresDSN), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		status.Missing(fmt.Sprintf("not reachable at %s: %v", postgresDSN, err))
	} else {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
		status.Ran()
	}
	servicetest.Report(status)
}
