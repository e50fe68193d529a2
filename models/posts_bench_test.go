package models_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// BenchmarkCreateReply posts replies from many people at once, as
// .ci/loadtest --writes does: 64 writers at a time among 200 accounts,
// over 300 threads, each reply its own text, under the rules that run
// then (no wait, duplicates refused).
func BenchmarkCreateReply(b *testing.B) {
	for _, d := range modeltest.Dialects {
		b.Run(d, func(b *testing.B) {
			s := modeltest.Store(b, d)
			ctx := context.Background()
			rules := modeltest.PermissiveRules
			rules.DuplicateWindow = models.Duration(5 * time.Minute)
			if err := s.SetRules(ctx, rules); err != nil {
				b.Fatal(err)
			}
			cat, err := s.CategoryBySlug(ctx, "api")
			if err != nil {
				b.Fatal(err)
			}
			var users []models.User
			for i := range 200 {
				u, _, err := s.SignInUser(ctx, models.SignIn{Provider: "bench", ProviderUserID: fmt.Sprint(i), Nickname: fmt.Sprint("u", i)})
				if err != nil {
					b.Fatal(err)
				}
				users = append(users, u)
			}
			var threads []int64
			for i := range 300 {
				th, err := s.CreateThread(ctx, models.NewThread{UserID: users[i%len(users)].ID, CategoryID: cat.ID, Title: fmt.Sprint("Question ", i), Body: fmt.Sprint("Question body ", i)})
				if err != nil {
					b.Fatal(err)
				}
				threads = append(threads, th.ID)
			}
			var n atomic.Int64
			b.SetParallelism(32) // 64 writers on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					u := users[i%int64(len(users))]
					_, err := s.CreateReply(ctx, models.NewReply{ThreadID: threads[(i*7)%int64(len(threads))], UserID: u.ID, Body: fmt.Sprint("Reply number ", i, " with a few words to index.")})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
