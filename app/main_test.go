package app

import (
	"testing"

	"hiroba/models/modeltest"
	"hiroba/models/servicetest"
)

// The outside services the package's tests use, reported once they end.
var (
	redisStatus    = servicetest.New("redis")
	chromiumStatus = servicetest.New("chromium")
)

func TestMain(m *testing.M) {
	m.Run()
	chromiumStop()
	servicetest.Report(modeltest.Postgres, redisStatus, chromiumStatus)
}
