package public

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The stylesheet's palette, read from its :root block: each custom property
// with its light and its dark colour (the same for a plain value).
type palette map[string][2]string

var (
	paletteProp = regexp.MustCompile(`--([a-z-]+):\s*(?:light-dark\(\s*(#[0-9a-fA-F]{6})\s*,\s*(#[0-9a-fA-F]{6})\s*\)|(#[0-9a-fA-F]{6}))\s*;`)
	colourValue = regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(`)
)

// readPalette splits the stylesheet into its first :root block, which holds
// the palette, and the rest, the rules that use it.
func readPalette(t *testing.T) (palette, string) {
	t.Helper()
	css, err := os.ReadFile("css/hiroba.css")
	if err != nil {
		t.Fatal(err)
	}
	s := string(css)
	start := strings.Index(s, ":root {")
	end := strings.Index(s[start:], "\n}\n")
	if start < 0 || end < 0 {
		t.Fatal("no :root block in hiroba.css")
	}
	// The palette's lines are blanked rather than cut, so line numbers hold.
	root := s[start : start+end]
	rest := s[:start] + regexp.MustCompile(`[^\n]`).ReplaceAllString(root, "") + s[start+end:]
	p := palette{}
	for _, m := range paletteProp.FindAllStringSubmatch(root, -1) {
		if m[4] != "" {
			p[m[1]] = [2]string{m[4], m[4]}
		} else {
			p[m[1]] = [2]string{m[2], m[3]}
		}
	}
	if len(p) < 20 {
		t.Fatalf("read only %d colours from the palette: %v", len(p), p)
	}
	return p, rest
}

// What the rules draw on what. Text needs 4.5:1 (WCAG AA), the borders of
// form fields 3:1 (non-text contrast).
var contrastPairs = []struct {
	fg, bg []string
	min    float64
	what   string
}{
	{[]string{"fg"}, []string{"bg", "card", "warn-bg", "tag-bg", "code-bg", "ok-bg", "flash-bg", "info-bg",
		"status-bg", "mod-bg", "field-bg", "mark-bg", "pii-bg", "pin-bg"}, 4.5, "text"},
	{[]string{"muted"}, []string{"bg", "card", "warn-bg", "info-bg", "ok-bg", "code-bg"}, 4.5, "muted text"},
	{[]string{"accent"}, []string{"bg", "card", "tag-bg", "warn-bg", "info-bg", "ok-bg", "mod-bg", "status-bg",
		"avatar-bg", "flash-bg", "mark-bg"}, 4.5, "links (highlighted search words too), outlined buttons, chips"},
	{[]string{"accent-fg"}, []string{"accent"}, 4.5, "primary buttons"},
	{[]string{"error"}, []string{"bg", "card", "status-bg", "mod-bg"}, 4.5, "errors and danger buttons"},
	{[]string{"ok"}, []string{"bg", "card", "ok-bg"}, 4.5, "solution heading, accept chip"},
	{[]string{"solved-fg"}, []string{"solved-bg"}, 4.5, "solved badge"},
	{[]string{"pin-fg"}, []string{"pin-bg"}, 4.5, "pin badge"},
	{[]string{"del-fg"}, []string{"del-bg"}, 4.5, "removed text in a diff"},
	{[]string{"ins-fg"}, []string{"ins-bg"}, 4.5, "added text in a diff"},
	{[]string{"warn-fg"}, []string{"bg", "card", "warn-bg"}, 4.5, "personal-data warning, a major known issue's label"},
	{[]string{"dev-fg"}, []string{"dev-bg"}, 4.5, "development banner"},
	{[]string{"field-line"}, []string{"field-bg", "card", "bg"}, 3, "form field borders"},
}

func TestPaletteContrast(t *testing.T) {
	p, _ := readPalette(t)
	for _, pair := range contrastPairs {
		for _, fg := range pair.fg {
			for _, bg := range pair.bg {
				for theme, name := range []string{"light", "dark"} {
					f, okF := p[fg]
					b, okB := p[bg]
					if !okF || !okB {
						t.Fatalf("%s: --%s or --%s is not in the palette", pair.what, fg, bg)
					}
					if r := contrast(t, f[theme], b[theme]); r < pair.min {
						t.Errorf("%s theme, %s: --%s %s on --%s %s is %.2f:1, want at least %.1f:1",
							name, pair.what, fg, f[theme], bg, b[theme], r, pair.min)
					}
				}
			}
		}
	}
}

// A colour written outside the palette would escape the check above, and
// would not change with the theme.
func TestEveryColourIsInThePalette(t *testing.T) {
	_, rules := readPalette(t)
	for i, line := range strings.Split(rules, "\n") {
		if m := colourValue.FindString(line); m != "" {
			t.Errorf("hiroba.css line %d, outside the palette, names a colour %q: add it to the palette", i+1, m)
		}
	}
}

func TestContrastFormula(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes on white
	} {
		if got := contrast(t, tc.a, tc.b); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(t *testing.T, hex string) float64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("not a #rrggbb colour: %q", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		c := float64(v>>(16-8*i)&0xff) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
