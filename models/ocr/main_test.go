package ocr

import (
	"testing"

	"hiroba/models/servicetest"
)

// TestMain reports whether the tests ran with the real tesseract.
func TestMain(m *testing.M) { servicetest.Main(m, tesseractStatus) }
