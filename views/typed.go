package views

import "strings"

// typed is text a visitor typed, echoed back into a form: a NUL, which an
// HTML page cannot hold, becomes U+FFFD, the character a browser would
// show.
func typed(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
