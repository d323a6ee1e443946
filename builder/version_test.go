package builder

import (
	"runtime/debug"
	"testing"
)

func TestVersionOf(t *testing.T) {
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/cardgen/cardgen", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{nil, "(devel)"},
		{info(""), "(devel)"},
		{info("(devel)"), "(devel)"},
		{info("v1.2.0", "vcs.revision", rev, "vcs.modified", "false"), "v1.2.0 " + rev},
		{info("v1.2.0", "vcs", "git", "vcs.revision", rev, "vcs.modified", "true"), "v1.2.0 " + rev + "-dirty"},
		{info("(devel)", "vcs.revision", rev), "(devel) " + rev},
		{info("v1.2.0", "vcs.time", "2026-01-01T00:00:00Z"), "v1.2.0"},
	} {
		if got := versionOf(tc.info); got != tc.want {
			t.Errorf("versionOf(%+v) = %q, want %q", tc.info, got, tc.want)
		}
	}
	// Whatever this test binary carries, Version never fails and never prints nothing.
	if Version() == "" {
		t.Error("Version() is empty")
	}
}
