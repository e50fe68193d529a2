package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"hiroba/models"
	"hiroba/models/seed"
)

// seedFlagNames are the flags only `hiroba seed` knows; every other flag is
// the server's and goes to LoadConfig.
var seedFlagNames = map[string]bool{"threads": true, "replies": true, "seed": true}

// seedOptions are the seed command's own flags.
type seedOptions struct {
	threads int
	replies float64
	seed    int64
}

// define adds the seed command's flags to fs, for parsing and for help.
func (o *seedOptions) define(fs *flag.FlagSet) {
	fs.IntVar(&o.threads, "threads", 1000, "threads to write")
	fs.Float64Var(&o.replies, "replies", 5, "average replies per thread")
	fs.Int64Var(&o.seed, "seed", 1, "random seed: the same seed writes the same forum")
}

// seedFlags takes the seed command's own flags out of a command line, so the
// rest (-database, …) is read as for every other command.
func seedFlags(cmd string, args []string) (own, rest []string) {
	if cmd != "seed" {
		return nil, args
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" || !strings.HasPrefix(arg, "-") {
			rest = append(rest, args[i:]...)
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		takesNext := !hasValue && i+1 < len(args)
		if seedFlagNames[name] {
			own = append(own, arg)
			if takesNext {
				own = append(own, args[i+1])
				i++
			}
			continue
		}
		rest = append(rest, arg)
		if takesNext {
			rest = append(rest, args[i+1])
			i++
		}
	}
	return own, rest
}

// seedBatchPosts is about how many posts go into one transaction: large
// enough that commits are a small part of the time, small enough that a
// progress line comes every second or so.
const seedBatchPosts = 2000

// seedForum fills the database with a generated forum, for trying the site
// and for measuring it on realistic data. The same --seed writes the same
// threads; times are counted back from today.
func seedForum(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("hiroba seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Main says what went wrong
	var opts seedOptions
	opts.define(fs)
	if err := fs.Parse(args); err != nil {
		return &commandError{code: 2, msg: err.Error() + "\nRun 'hiroba seed -h' for what it takes."}
	}
	if opts.threads < 0 || opts.replies < 0 {
		return &commandError{code: 2, msg: "--threads and --replies must not be negative"}
	}

	store, err := openStore(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	categoryIDs, err := seedCategories(ctx, store)
	if err != nil {
		return err
	}

	start := time.Now()
	gen := seed.New(opts.seed, seed.Options{Threads: opts.threads, Replies: opts.replies})
	users, err := store.ImportUsers(ctx, gen.Users())
	if err != nil {
		return err
	}
	userIDs := make([]int64, len(users))
	for i, u := range users {
		userIDs[i] = u.ID
	}

	// Writing text is done beside the database work, one batch ahead.
	batches := make(chan []models.ImportedThread, 2)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		var batch []models.ImportedThread
		posts := 0
		for {
			th, ok := gen.Next()
			if ok {
				batch = append(batch, th.Import(userIDs, categoryIDs))
				posts += len(th.Posts)
			}
			if (!ok && len(batch) > 0) || posts >= seedBatchPosts {
				select {
				case batches <- batch:
				case <-ctx.Done():
					return
				}
				batch, posts = nil, 0
			}
			if !ok {
				return
			}
		}
	}()

	total, done, solved, votes := gen.TotalPosts(), 0, 0, 0
	lastLine := time.Time{}
	for batch := range batches {
		if _, err := store.ImportThreads(ctx, batch); err != nil {
			return err
		}
		for _, th := range batch {
			done += len(th.Posts)
			if th.Solution > 0 {
				solved++
			}
			for _, p := range th.Posts {
				votes += len(p.HelpfulBy)
			}
		}
		if time.Since(lastLine) >= time.Second || done == total {
			lastLine = time.Now()
			fmt.Fprintf(out, "seeded %d/%d posts (%.1fs)\n", done, total, time.Since(start).Seconds())
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(out, "seeded %d threads (%d solved), %d posts, %d helpful votes, %d users into %s in %.1fs (%.0f posts/s)\n",
		opts.threads, solved, total, votes, len(users), store.Dialect(), elapsed.Seconds(), float64(total)/elapsed.Seconds())
	return nil
}

// seedCategories finds the default categories the generator writes into.
func seedCategories(ctx context.Context, store *models.Store) (map[string]int64, error) {
	cats, err := store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, c := range cats {
		ids[c.Slug] = c.ID
	}
	for _, c := range seed.Categories {
		if ids[c.Slug] == 0 {
			return nil, fmt.Errorf("seed: category %q is missing; the generator writes into the default categories", c.Slug)
		}
	}
	return ids, nil
}
