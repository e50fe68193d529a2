package images

import "encoding/binary"

// webpChunk is the content of the first chunk of the given type in a WebP
// file, or nil.
func webpChunk(data []byte, fourCC string) []byte {
	i := uint64(12) // past "RIFF", the size and "WEBP"
	size := uint64(len(data))
	for i+8 <= size {
		typ := string(data[i : i+4])
		length := uint64(binary.LittleEndian.Uint32(data[i+4:]))
		end := i + 8 + length
		if end > size {
			return nil
		}
		if typ == fourCC {
			return data[i+8 : end]
		}
		i = end + length&1 // chunks are padded to an even length
	}
	return nil
}

// webpLossless tells whether a WebP file holds a lossless (VP8L) image.
func webpLossless(data []byte) bool {
	return webpChunk(data, "VP8L") != nil
}

// webpAnimated tells whether a WebP file says it is animated.
func webpAnimated(data []byte) bool {
	vp8x := webpChunk(data, "VP8X")
	return len(vp8x) > 0 && vp8x[0]&0x02 != 0
}
