package ratelimit

import (
	"testing"

	"hiroba/models/servicetest"
)

// TestMain reports whether the Redis tests ran. They skip only when Redis
// does not answer at testRedisURL, so it is asked once more after them.
func TestMain(m *testing.M) {
	m.Run()
	status := servicetest.New("redis")
	if l, err := newRedis(testRedisURL(), defaultPrefix+"probe:"); err != nil {
		status.Missing(err.Error())
	} else {
		_ = l.Close()
		status.Ran()
	}
	servicetest.Report(status)
}
