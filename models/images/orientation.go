package images

import (
	"bytes"
	"encoding/binary"
)

// A phone stores a photo as its sensor saw it and says in EXIF how to turn
// it; browsers turn it before showing it. Re-encoding drops the EXIF, so the
// turn is applied to the pixels or the photo would show on its side. Only
// the Orientation tag is read, by the small reader below: every offset in
// the file is checked against its length.

// Orientation values, as EXIF numbers them: where the stored image's first
// row and first column go when it is shown.
const (
	orientNormal     = 1
	orientMirror     = 2 // first column on the right
	orientRotate180  = 3
	orientFlip       = 4 // first row at the bottom
	orientTranspose  = 5 // first row on the left, first column at the top
	orientRotate90   = 6 // clockwise: first row on the right
	orientTransverse = 7 // first row on the right, first column at the bottom
	orientRotate270  = 8 // clockwise: first row on the left, first column at the bottom
)

// swapsSides tells whether the orientation turns the picture a quarter, so
// that its width becomes its height.
func swapsSides(o int) bool { return o >= orientTranspose }

// orientationOf finds the EXIF orientation in an image of the given format:
// a JPEG's APP1 Exif segment, a PNG's eXIf chunk, a WebP's EXIF chunk. It
// is 1 when there is none or it cannot be read.
func orientationOf(format string, data []byte) int {
	var tiff []byte
	switch format {
	case "jpeg":
		tiff = jpegExif(data)
	case "png":
		tiff = pngExif(data)
	case "webp":
		tiff = webpChunk(data, "EXIF")
	}
	// The PNG and WebP chunks hold the TIFF data itself, but some writers
	// put JPEG's "Exif\0\0" in front of it.
	tiff = bytes.TrimPrefix(tiff, []byte("Exif\x00\x00"))
	return exifOrientation(tiff)
}

// exifOrientation reads the Orientation tag (0x0112) from the first IFD of
// TIFF-structured EXIF data. It is 1 unless the tag is there and valid.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return orientNormal
	}
	var order binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return orientNormal
	}
	ifd := uint64(order.Uint32(tiff[4:8]))
	size := uint64(len(tiff))
	if ifd+2 > size {
		return orientNormal
	}
	count := uint64(order.Uint16(tiff[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > size {
			break
		}
		entry := tiff[e : e+12]
		if order.Uint16(entry[0:2]) != 0x0112 {
			continue
		}
		var v uint32
		switch typ, n := order.Uint16(entry[2:4]), order.Uint32(entry[4:8]); {
		case typ == 3 && n >= 1: // SHORT, as the standard has it
			v = uint32(order.Uint16(entry[8:10]))
		case typ == 4 && n >= 1: // LONG, from a few writers
			v = order.Uint32(entry[8:12])
		}
		if v >= orientNormal && v <= orientRotate270 {
			return int(v)
		}
		return orientNormal
	}
	return orientNormal
}

// jpegExif is the TIFF data of the first APP1 Exif segment before the
// image data, or nil.
func jpegExif(data []byte) []byte {
	i := 2 // past SOI
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return nil
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8: // no length
			i += 2
			continue
		case marker == 0xda || marker == 0xd9: // image data or end: no EXIF past here
			return nil
		}
		length := int(binary.BigEndian.Uint16(data[i+2:]))
		if length < 2 || i+2+length > len(data) {
			return nil
		}
		segment := data[i+4 : i+2+length]
		if marker == 0xe1 && bytes.HasPrefix(segment, []byte("Exif\x00\x00")) {
			return segment[6:]
		}
		i += 2 + length
	}
	return nil
}

// pngExif is the content of the PNG's eXIf chunk, or nil.
func pngExif(data []byte) []byte {
	i := uint64(8) // past the signature
	size := uint64(len(data))
	for i+12 <= size {
		length := uint64(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		end := i + 8 + length
		if end+4 > size {
			return nil
		}
		switch typ {
		case "eXIf":
			return data[i+8 : end]
		case "IDAT", "IEND":
			// The standard puts eXIf before the image data: stop there
			// rather than walk the whole file.
			return nil
		}
		i = end + 4 // past the CRC
	}
	return nil
}
