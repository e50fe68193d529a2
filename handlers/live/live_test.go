package live

import (
	"testing"

	"hiroba/models"
)

// A hub wakes streams for a thread's key and for the keys that reach every
// page, and for nothing else: a bus carries only those between instances.
func TestKeysThatWakeStreams(t *testing.T) {
	h := NewHub(nil, Options{EveryStream: []models.Key{"banner"}})
	for _, c := range []struct {
		key  models.Key
		want bool
	}{
		{models.ThreadKey(42), true},
		{models.ThreadKey(1 << 40), true},
		{models.KeyAll, true},
		{"banner", true},
		{models.CategoryKey(42), false},
		{models.UserKey(42), false},
		{models.KeyHome, false},
		{models.KeySearch, false},
		{"thread:", false},
		{"thread:42x", false},
		{"thread:+42", false},
		{"thread:042", false},
	} {
		if got := h.Relevant(string(c.key)); got != c.want {
			t.Errorf("Relevant(%q) = %v, want %v", c.key, got, c.want)
		}
	}
	if id, ok := threadOfKey(string(models.ThreadKey(42))); !ok || id != 42 {
		t.Errorf("threadOfKey(ThreadKey(42)) = %d, %v", id, ok)
	}
}
