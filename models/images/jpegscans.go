package images

import (
	"bytes"
	"encoding/binary"
)

// maxJPEGScans bounds the scans of a progressive JPEG. Each scan walks every
// block of the image however few bytes it takes, so a file of many tiny
// scans costs minutes to decode; encoders write about ten.
const maxJPEGScans = 100

// jpegScans counts the scans (SOS segments) of a JPEG, stopping once past
// limit. It walks the markers and skips each scan's entropy-coded data,
// where a 0xFF byte is followed by 0x00 (a stuffed byte) or a restart
// marker.
func jpegScans(data []byte, limit int) int {
	scans := 0
	i := 2 // past SOI
	for i+4 <= len(data) && scans <= limit {
		if data[i] != 0xff {
			return scans
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8: // no length
			i += 2
			continue
		case marker == 0xd9: // EOI
			return scans
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
		if marker != 0xda {
			continue
		}
		scans++
		for i < len(data) {
			j := bytes.IndexByte(data[i:], 0xff)
			if j < 0 || i+j+1 >= len(data) {
				return scans
			}
			i += j
			if next := data[i+1]; next != 0x00 && (next < 0xd0 || next > 0xd7) {
				break // the next marker
			}
			i += 2
		}
	}
	return scans
}
