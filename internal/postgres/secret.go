package postgres

import "net/url"

// Password is the password a connection string holds, in either form pgx takes ("" if none):
// what a logger must never print.
func Password(connString string) string {
	if p := urlPassword(connString); p != "" {
		return p
	}
	if u, err := url.Parse(connString); err == nil && u.Query().Get("password") != "" {
		return u.Query().Get("password")
	}
	if kv, ok := keywords(connString); ok {
		return kv["password"]
	}
	return ""
}
