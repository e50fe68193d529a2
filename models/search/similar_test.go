package search

import "testing"

func TestSimilar(t *testing.T) {
	tests := []struct {
		title string
		want  string // TSQuery of the result
	}{
		{"How do I get a refund for my subscription?", "('refund' | 'subscript')"},
		{"請求書が届きません", "('請求' | '求書' | '書が' | 'が届' | '届き' | 'きま' | 'ませ' | 'せん')"},
		{"API key -invalid \"rate limit\"", "('api' | 'key' | 'invalid' | 'rate' | 'limit')"},
		// An unbalanced quote does not turn the whole title into one phrase.
		{"\"Charged twice this month", "('charg' | 'twice' | 'month')"},
		{"the the of and", ""},
		{"refund refund REFUND", "'refund'"},
		{"Billing errors after billed refunds", "('bill' | 'error' | 'refund')"},
		{"Helping with help", ""}, // stop words compared as stems
		// The last character of a run is not an alternative of its own: it
		// would match every run ending with it.
		{"請求書。届きません", "('請求' | '求書' | '届き' | 'きま' | 'ませ' | 'せん')"},
	}
	for _, tt := range tests {
		q := Similar(tt.title)
		if got := q.TSQuery(); got != tt.want {
			t.Errorf("Similar(%q).TSQuery() = %q, want %q", tt.title, got, tt.want)
		}
		if q.Empty() != (tt.want == "") {
			t.Errorf("Similar(%q).Empty() = %v", tt.title, q.Empty())
		}
	}
}
