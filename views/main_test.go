package views

import (
	"testing"

	"hiroba/models/servicetest"
)

// The image editor's test drives Chromium; the package says whether it ran.
var chromiumStatus = servicetest.New("chromium")

func TestMain(m *testing.M) { servicetest.Main(m, chromiumStatus) }
