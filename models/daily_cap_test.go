package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// A daily cap of none refuses a newcomer's first post of that kind, saying
// when to try again, rather than failing.
func TestDailyCapOfNoneRefuses(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		rules := modeltest.PermissiveRules
		rules.NewAccountAge, rules.NewMaxThreadsPerDay, rules.NewMaxRepliesPerDay = models.Duration(time.Hour), 0, 0
		if err := s.SetRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		newcomer := signIn(t, s, "1", "new")
		var refused *models.RefusedError
		_, err := s.CreateThread(ctx, models.NewThread{UserID: newcomer.ID, CategoryID: 1, Title: "First question here", Body: "Hello."})
		if !errors.As(err, &refused) || refused.Reason != models.RefuseThreadsPerDay || refused.RetryAfter != 24*time.Hour {
			t.Errorf("a newcomer's question under a cap of none: %v", err)
		}
	})
}
