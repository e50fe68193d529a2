//go:build !unix

package ocr

import "time"

func childCPU() (time.Duration, bool) { return 0, false }
