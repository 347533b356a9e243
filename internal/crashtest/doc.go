// Package crashtest proves Arca's durability promises against a real arca
// process: it builds the binary, runs it on a temporary data directory,
// SIGKILLs it under concurrent load, shuts it down with SIGTERM, restarts it
// and checks that every acknowledged write survived whole, that nothing
// unacknowledged is partially visible, and that no blob file leaks.
//
// The package holds tests only; they are skipped with -short.
package crashtest
