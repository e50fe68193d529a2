package views

import (
	"strings"
	"testing"
)

// The Japanese catalog says ログイン for signing in, everywhere: a page
// that mixes it with サインイン reads as two different things.
func TestJapaneseSaysLoginOneWay(t *testing.T) {
	buf, err := localeFiles.ReadFile("locales/ja.json")
	if err != nil {
		t.Fatal(err)
	}
	text := string(buf)
	if strings.Contains(text, "サインイン") {
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "サインイン") {
				t.Errorf("uses サインイン, not ログイン: %s", strings.TrimSpace(line))
			}
		}
	}
	if !strings.Contains(text, "ログイン") {
		t.Error("the Japanese catalog never says ログイン")
	}
}
