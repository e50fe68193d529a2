package models_test

import (
	"testing"

	"hiroba/models/modeltest"
	"hiroba/models/servicetest"
)

// TestMain reports whether the package's tests ran on PostgreSQL.
func TestMain(m *testing.M) { servicetest.Main(m, modeltest.Postgres) }
