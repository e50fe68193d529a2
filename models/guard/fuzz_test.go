package guard

import (
	"strings"
	"testing"
)

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"",
		"Call 090-1234-5678 or mail taro@gmail.com",
		"電話番号は０９０－１２３４－５６７８、カードは４１１１ １１１１ １１１１ １１１１です",
		"+1 (415) 555-0123 / +44 (0)20 7946 0958 / 03(1234)5678",
		"password=Summer2024! Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.",
		"ORD-12345678 acct_1Nv0FGQ9RKHgCVdK v1.2.3 2026-11-24 ¥12,800",
		"https://hooks.example.net/services/T0/B0/" + fake(1, alnum, 40),
		"a@b.co@c.jp..@@ (((( 0-0-0 +++ ////",
		"\xff\xfe０\xe3\x80",
	} {
		f.Add(s)
	}
	g := testGuard(f)
	f.Fuzz(func(t *testing.T, text string) {
		// Every folded offset maps to the place in the text where the
		// same folded prefix ends.
		if len(text) <= 512 {
			folded, sh := fold(text)
			for p := 0; p <= len(folded); p++ {
				o := sh.orig(p)
				if o < 0 || o > len(text) {
					t.Fatalf("orig(%d) = %d, out of range", p, o)
				}
				if prefix, _ := fold(text[:o]); prefix != folded[:p] {
					t.Fatalf("orig(%d) = %d, but fold(%q) = %q, not %q", p, o, text[:o], prefix, folded[:p])
				}
			}
		}

		fs := g.Check(text)
		end := 0
		for i, x := range fs {
			if x.Start < end || x.Start >= x.End || x.End > len(text) {
				t.Fatalf("finding %d %+v out of order, empty or out of range (previous ends at %d, len %d)", i, x, end, len(text))
			}
			if x.Text != text[x.Start:x.End] || x.Kind == "" {
				t.Fatalf("finding %d %+v does not describe text[%d:%d] = %q", i, x, x.Start, x.End, text[x.Start:x.End])
			}
			end = x.End
		}

		// Redaction must remove every finding: any copy of a finding's
		// text left in the output must already have been in the text
		// between findings, which is copied unchanged.
		out := Redact(text, fs)
		var gaps []string
		last := 0
		for _, x := range fs {
			gaps = append(gaps, text[last:x.Start])
			last = x.End
		}
		gaps = append(gaps, text[last:])
		if want := strings.Join(gaps, Redacted); out != want {
			t.Fatalf("Redact = %q, want %q", out, want)
		}
		for _, x := range fs {
			kept := 0
			for _, gap := range gaps {
				kept += strings.Count(gap, x.Text)
			}
			if n := strings.Count(out, x.Text); n != kept {
				t.Fatalf("Redact output holds %q %d times, the untouched text only %d", x.Text, n, kept)
			}
		}

		h := string(Highlight(text, fs))
		if n := strings.Count(h, "<mark "); n != len(fs) {
			t.Fatalf("Highlight has %d marks for %d findings: %s", n, len(fs), h)
		}
		if strings.Count(h, "<") != 2*len(fs) {
			t.Fatalf("Highlight left markup unescaped: %s", h)
		}
	})
}
