package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// Store methods report an outage as models.ErrUnavailable, whatever query
// or transaction met it, so handlers can answer 503 by that alone.
func TestStoreOutagesAreErrUnavailable(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		if _, err := s.Categories(ctx); !errors.Is(err, models.ErrUnavailable) {
			t.Errorf("read past the deadline: %v, want ErrUnavailable", err)
		}
		if err := s.SetRules(ctx, modeltest.PermissiveRules); !errors.Is(err, models.ErrUnavailable) {
			t.Errorf("write past the deadline: %v, want ErrUnavailable", err)
		}
		if err := s.Ping(ctx); !errors.Is(err, models.ErrUnavailable) {
			t.Errorf("ping past the deadline: %v, want ErrUnavailable", err)
		}

		// What the database says about the data is not an outage.
		_, err := s.ThreadPage(context.Background(), staff, 1<<40, 1)
		if !errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrUnavailable) {
			t.Errorf("missing thread: %v, want ErrNotFound only", err)
		}
	})
}

func TestOpenUnreachablePostgresIsErrUnavailable(t *testing.T) {
	if _, err := models.Open("postgres://postgres@127.0.0.1:1/test?sslmode=disable"); !errors.Is(err, models.ErrUnavailable) {
		t.Fatalf("models.Open on a closed port: %v, want ErrUnavailable", err)
	}
}
