package images

import (
	"bytes"
)

// Sniff names the format of data from its first bytes alone: "png",
// "jpeg", "webp" or "gif". ok is false for anything else, whatever the
// file was called.
func Sniff(data []byte) (format string, ok bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png", true
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "jpeg", true
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "gif", true
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WEBP":
		return "webp", true
	}
	return "", false
}

// isSVG tells whether data is an SVG document: its first element, after any
// XML declaration, comments and doctype, is <svg>. It is refused with its
// own reason because people expect it to be an image; it is a document
// that can hold script.
func isSVG(data []byte) bool {
	d := data[:min(len(data), 4096)]
	d = bytes.TrimPrefix(d, []byte("\xef\xbb\xbf"))
	for {
		d = bytes.TrimLeft(d, " \t\r\n")
		switch {
		case hasPrefixFold(d, "<?xml"):
			d = after(d, "?>")
		case bytes.HasPrefix(d, []byte("<!--")):
			d = after(d, "-->")
		case hasPrefixFold(d, "<!doctype"):
			end := bytes.IndexByte(d, '>')
			if end < 0 {
				return false
			}
			if bytes.Contains(bytes.ToLower(d[:end]), []byte("svg")) {
				return true
			}
			d = d[end+1:]
		default:
			return hasPrefixFold(d, "<svg") && (len(d) == 4 || isNameEnd(d[4]))
		}
		if d == nil {
			return false
		}
	}
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && bytes.EqualFold(b[:len(p)], []byte(p))
}

// after is b past the first end, or nil if end is not in b.
func after(b []byte, end string) []byte {
	i := bytes.Index(b, []byte(end))
	if i < 0 {
		return nil
	}
	return b[i+len(end):]
}

func isNameEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/' || c == ':'
}
