package builder

import "runtime/debug"

// Version is cardgen's version as `cardgen version` prints it and
// manifest.json records it: the module version, then the VCS revision with
// "-dirty" when the working tree had changes; "(devel)" when the binary
// carries neither (go run, or -buildvcs=false).
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return versionOf(nil)
	}
	return versionOf(info)
}

// versionOf formats the version from build info, so tests need no VCS.
func versionOf(info *debug.BuildInfo) string {
	const devel = "(devel)"
	if info == nil {
		return devel
	}
	v := info.Main.Version
	if v == "" {
		v = devel
	}
	var rev string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if dirty {
		rev += "-dirty"
	}
	return v + " " + rev
}
