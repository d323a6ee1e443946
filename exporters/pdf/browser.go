package pdf

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/cardgen/cardgen/exporters"
)

// EnvBrowser names the environment variable that points at the browser to use.
const EnvBrowser = "CARDGEN_CHROME"

// browserNames are looked up on PATH, in this order.
var browserNames = []string{
	"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
	"chrome-headless-shell", "headless-shell", "microsoft-edge", "msedge",
}

// browserPaths are where installers put the browser when it is not on PATH.
func browserPaths() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{
			"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
			"/Applications/Chromium.app/Contents/MacOS/Chromium",
			"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
		}
	case "windows":
		var out []string
		for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)", "LocalAppData"} {
			if dir := os.Getenv(env); dir != "" {
				out = append(out,
					filepath.Join(dir, `Google\Chrome\Application\chrome.exe`),
					filepath.Join(dir, `Chromium\Application\chrome.exe`),
					filepath.Join(dir, `Microsoft\Edge\Application\msedge.exe`))
			}
		}
		return out
	}
	return []string{"/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser", "/snap/bin/chromium", "/opt/google/chrome/chrome"}
}

// FindBrowser returns the browser to print with: $CARDGEN_CHROME when set,
// else the first Chrome or Chromium on PATH or in its usual place. It returns
// an *exporters.UnavailableError saying what to install when there is none.
func FindBrowser() (string, error) {
	return findBrowser(os.Getenv(EnvBrowser), exec.LookPath, browserNames, browserPaths())
}

func findBrowser(env string, lookPath func(string) (string, error), names, paths []string) (string, error) {
	if env != "" {
		if !isExecutable(env) {
			return "", &exporters.UnavailableError{Format: "pdf",
				Reason: fmt.Sprintf("%s=%s is not an executable file; point it at Chrome or Chromium", EnvBrowser, env)}
		}
		return env, nil
	}
	for _, name := range names {
		if p, err := lookPath(name); err == nil {
			return p, nil
		}
	}
	for _, p := range paths {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", &exporters.UnavailableError{Format: "pdf",
		Reason: "no Chrome or Chromium found; install chromium (Debian: apt-get install chromium) or set " + EnvBrowser + "=/path"}
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode()&0o111 != 0
}
