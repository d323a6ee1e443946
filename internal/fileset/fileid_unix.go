//go:build unix

package fileset

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// fileID identifies a folder across renames: its device and inode.
func fileID(path string) (string, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino), nil
}
