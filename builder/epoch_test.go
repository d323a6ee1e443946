package builder

import (
	"strings"
	"testing"
	"time"
)

func TestEpochFrom(t *testing.T) {
	now := time.Unix(1790000000, 0)
	for _, tc := range []struct {
		v    string
		want int64
		err  string
	}{
		{v: "", want: 0},
		{v: "1700000000", want: 1700000000},
		{v: "1790003000", want: 1790003000}, // within the allowance for clock skew
		{v: "1790003601", err: "is in the future"},
		{v: "-1", err: "not a number"},
		{v: "soon", err: "not a number"},
	} {
		got, err := epochFrom(tc.v, now)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("epochFrom(%q) = %v, %v; want an error with %q", tc.v, got, err, tc.err)
			}
		case err != nil:
			t.Errorf("epochFrom(%q): %v", tc.v, err)
		case tc.want == 0 && !got.IsZero(), tc.want != 0 && got.Unix() != tc.want:
			t.Errorf("epochFrom(%q) = %v, want %d", tc.v, got, tc.want)
		}
	}
}
