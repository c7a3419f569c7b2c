package postgres

// Password is the password a connection string holds, in either form pgx takes ("" if none):
// what a logger must never print. It is the first of the ones scrub removes from errors.
func Password(connString string) string {
	if ps := passwords(connString); len(ps) > 0 {
		return ps[0]
	}
	return ""
}
