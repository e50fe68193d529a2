package models

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseBudget(t *testing.T) {
	good := map[string]Budget{
		"10/1m":          {10, time.Minute},
		" 30 / 10m ":     {30, 10 * time.Minute},
		"1/1s":           {1, time.Second},
		"500000/1m":      {500000, time.Minute},
		"3/1h30m":        {3, 90 * time.Minute},
		"1000000000/24h": {1_000_000_000, 24 * time.Hour},
	}
	for in, want := range good {
		got, err := ParseBudget(in)
		if err != nil || got != want {
			t.Errorf("ParseBudget(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "10", "10/", "/1m", "ten/1m", "0/1m", "-1/1m", "10/0s", "10/500ms", "10/25h", "10/1 minute", "1000000001/1m", "10/1m/2"} {
		if b, err := ParseBudget(in); err == nil || !IsInvalid(err) {
			t.Errorf("ParseBudget(%q) = %+v, %v; want an invalid-input error", in, b, err)
		}
	}
}

// A budget is stored as people write it, and an unset one not at all, so
// it stays the server's.
func TestBudgetsRoundTrip(t *testing.T) {
	r := DefaultRules
	r.Budgets.Post = Budget{2, time.Minute}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Budgets map[string]string `json:"budgets"`
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Budgets) != 1 || back.Budgets["post"] != "2/1m" {
		t.Fatalf("stored budgets %v (%v), want only post: 2/1m", back.Budgets, err)
	}
	var again Rules
	if err := json.Unmarshal(b, &again); err != nil || again != r {
		t.Fatalf("read back %+v, %v; want %+v", again, err, r)
	}
	b, _ = json.Marshal(DefaultRules)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["budgets"]; ok {
		t.Errorf("rules without budgets store a budgets key: %s", b)
	}
}
