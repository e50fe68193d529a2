package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Budget is a request budget as people write it: "10/1m" lets 10 requests
// through per minute. The server's environment gives each budget its
// starting value; an admin may replace it on the rules page (Rules.Budgets),
// which every instance reads within seconds.
type Budget struct {
	Limit  int
	Window time.Duration
}

// Budget bounds: a window under a second cannot be told apart by people
// waiting, and one over a day outlives every limiter's counters.
const (
	maxBudgetLimit  = 1_000_000_000
	minBudgetWindow = time.Second
	maxBudgetWindow = 24 * time.Hour
)

// ErrBadBudget is in the chain of every error ParseBudget returns.
var ErrBadBudget = fmt.Errorf("%w: a budget is COUNT/PERIOD, such as 10/1m: a count of 1 or more per a period from 1s to 24h", errInvalid)

// ParseBudget reads "COUNT/PERIOD", with the period a duration such as 1m,
// 10m or 1h30m.
func ParseBudget(s string) (Budget, error) {
	count, period, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Budget{}, fmt.Errorf("budget %q: %w", s, ErrBadBudget)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 || n > maxBudgetLimit {
		return Budget{}, fmt.Errorf("budget %q: %w", s, ErrBadBudget)
	}
	w, err := time.ParseDuration(strings.TrimSpace(period))
	if err != nil || w < minBudgetWindow || w > maxBudgetWindow {
		return Budget{}, fmt.Errorf("budget %q: %w", s, ErrBadBudget)
	}
	return Budget{Limit: n, Window: w}, nil
}

// String writes the budget the way ParseBudget reads it.
func (b Budget) String() string {
	return strconv.Itoa(b.Limit) + "/" + Duration(b.Window).String()
}

// MarshalText writes the budget as "10/1m".
func (b Budget) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (b *Budget) UnmarshalText(text []byte) error {
	v, err := ParseBudget(string(text))
	*b = v
	return err
}

// Budgets are the request budgets an admin set on the rules page; a zero
// Budget is one left to the server's environment.
type Budgets struct {
	Post    Budget `json:"post,omitzero"`
	PostIP  Budget `json:"post_ip,omitzero"`
	Flag    Budget `json:"flag,omitzero"`
	Vote    Budget `json:"vote,omitzero"`
	Search  Budget `json:"search,omitzero"`
	SignIn  Budget `json:"signin,omitzero"`
	Check   Budget `json:"check,omitzero"`
	Preview Budget `json:"preview,omitzero"`
	Upload  Budget `json:"upload,omitzero"`
}

// BudgetNames are the budgets in the order the rules page lists them; each
// is also the suffix of its environment variable (HIROBA_LIMIT_POST_IP).
var BudgetNames = []string{"post", "post_ip", "flag", "vote", "search", "signin", "check", "preview", "upload"}

// Field returns the budget of a name in BudgetNames, or nil.
func (b *Budgets) Field(name string) *Budget {
	switch name {
	case "post":
		return &b.Post
	case "post_ip":
		return &b.PostIP
	case "flag":
		return &b.Flag
	case "vote":
		return &b.Vote
	case "search":
		return &b.Search
	case "signin":
		return &b.SignIn
	case "check":
		return &b.Check
	case "preview":
		return &b.Preview
	case "upload":
		return &b.Upload
	}
	return nil
}
