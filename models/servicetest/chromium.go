package servicetest

import (
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// ChromiumPath finds a browser already on the machine — $HIROBA_CHROMIUM,
// Debian's /usr/bin/chromium, or chromium on PATH; tests never fetch one.
func ChromiumPath() (string, error) {
	if p := os.Getenv("HIROBA_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return exec.LookPath("chromium")
}

// ChromiumOptions start the browser at path headless, with its profile in
// the folder given. chromedp's defaults keep Chromium quiet and off
// /dev/shm, which is small in containers; the rest is named here so every
// browser test starts the same browser.
func ChromiumOptions(path, profile string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // containers and CI runners seldom allow Chromium's sandbox
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
}
