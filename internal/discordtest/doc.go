// Package discordtest is a loopback Discord for tests: one server on a random port of 127.0.0.1
// that speaks Discord's REST API (under /api/v9 and /api/v10) and its JSON gateway (at the root),
// so that the real, unmodified discordgo client can run against it.
//
// discordgo builds its URLs from https://discord.com. Point it at the server with an
// http.Client whose Transport sends requests for discord.com to Server.URL; discordgo then asks
// GET /api/v9/gateway for the gateway address, which is the server's ws:// URL:
//
//	srv := discordtest.New(t, discordtest.Options{})
//	dg, _ := discordgo.New("Bot " + srv.Config().Token)
//	dg.Client = &http.Client{Transport: rewriteHost{to: srv.URL()}} // discord.com -> srv.URL()
//	err := dg.Open() // READY, then GUILD_CREATE for each guild
//
// A test plays the users and Discord: SendUserMessage, SendCommand, SendAutocomplete,
// SendComponent, SendModalSubmit and Dispatch send events; SendReconnect, SendInvalidSession,
// RequestHeartbeat, DropConnections and CloseWith disturb the gateway; InjectRateLimit makes
// requests fail with 429. It then reads what the bot did: Messages, BotMessages, Interaction,
// Commands, Requests, Stats, and the Wait methods for things that happen asynchronously.
//
// Every JSON request body is checked against Discord's OpenAPI description and against the limits
// Discord enforces beyond it; Request.SchemaErrors and Server.SchemaErrors report the problems, so
// a test can assert that everything the bot sent was valid. The description is a copy kept in
// this package (openapi/discord-openapi.json, beside its MIT licence) and built into it, so the
// tests need no file outside the repository; Options.SpecPath checks against another file.
//
// The server follows Discord's documented behaviour where a bot can observe it: error bodies
// and codes, rate-limit headers, the 3-second interaction deadline, intents (including the
// message content rule), sequence numbers, resuming, and close codes. What it leaves out is
// listed where it matters (for example, zlib-stream transport compression is not offered;
// payload compression, which discordgo asks for, is).
package discordtest
