//go:build !cgo

package apkg

// cardgen writes Anki packages with SQLite through go-sqlite3, which is C
// code compiled by cgo. Without a C compiler, Go turns cgo off and the build
// would fail deep inside go-sqlite3; this makes it fail here, with the fix in
// the name of the missing identifier.
var _ = cardgen_needs_cgo_install_a_C_compiler_such_as_gcc_then_set_CGO_ENABLED_1
