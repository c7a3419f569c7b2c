package discordtest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/bwmarrin/discordgo"
)

// commandScopeLocked checks the application and guild of a command route and returns the key the
// commands are kept under: the guild id, or "" for global commands.
func (s *Server) commandScopeLocked(c *call) (string, *reply) {
	if c.params["application_id"] != s.opts.AppID {
		return "", &errMissingAccess
	}
	guildID, guildScoped := c.params["guild_id"]
	if guildScoped && s.guildLocked(guildID) == nil {
		return "", &errMissingAccess
	}
	return guildID, nil
}

// commandObject is a registered command as Discord returns it. id keeps the id of a command of
// the same type and name registered before, as Discord does on overwrite.
func (s *Server) commandObject(scope string, in map[string]any, id string) map[string]any {
	typ, ok := integer(in["type"])
	if !ok {
		typ = 1
	}
	if id == "" {
		id = NewSnowflake()
	}
	perms := in["default_member_permissions"]
	if n, isNumber := integer(perms); isNumber {
		perms = fmt.Sprint(n)
	}
	cmd := map[string]any{
		"id":                         id,
		"application_id":             s.opts.AppID,
		"version":                    NewSnowflake(),
		"type":                       typ,
		"name":                       str(in["name"]),
		"name_localizations":         in["name_localizations"],
		"description":                str(in["description"]),
		"description_localizations":  in["description_localizations"],
		"default_member_permissions": perms,
		"nsfw":                       in["nsfw"] == true,
		"integration_types":          orDefault(in["integration_types"], []any{0}),
		"contexts":                   in["contexts"],
	}
	if opts := list(in["options"]); len(opts) > 0 {
		cmd["options"] = opts
	}
	if scope == "" {
		cmd["dm_permission"] = in["dm_permission"] != false
	} else {
		cmd["guild_id"] = scope
	}
	return cmd
}

func orDefault(v any, def []any) any {
	if l := list(v); l != nil {
		return l
	}
	return def
}

// findCommand returns the index of the command with the given type and name, or -1.
func findCommand(cmds []map[string]any, typ int64, name string) int {
	return slices.IndexFunc(cmds, func(c map[string]any) bool {
		t, _ := integer(c["type"])
		return t == typ && c["name"] == name
	})
}

func (s *Server) listCommands(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, rep := s.commandScopeLocked(c)
	if rep != nil {
		return *rep
	}
	out := []any{}
	for _, cmd := range s.commands[scope] {
		out = append(out, maps.Clone(cmd))
	}
	return ok(out)
}

// putCommands answers the bulk overwrite: the body's commands replace all of the scope's.
func (s *Server) putCommands(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, rep := s.commandScopeLocked(c)
	if rep != nil {
		return *rep
	}
	if c.json != nil && list(c.json) == nil {
		return formError([]fieldError{{"", "BASE_TYPE_ARRAY", "Must be an array."}})
	}
	var errs []fieldError
	in := list(c.json)
	seen := map[string]bool{}
	for i, v := range in {
		cmd := object(v)
		errs = append(errs, commandLimits(fmt.Sprint(i), cmd)...)
		typ, ok := integer(cmd["type"])
		if !ok {
			typ = 1
		}
		key := fmt.Sprint(typ, "/", cmd["name"])
		if seen[key] {
			errs = append(errs, fieldError{fmt.Sprint(i, ".name"), "APPLICATION_COMMANDS_DUPLICATE_NAME",
				"Application command names must be unique"})
		}
		seen[key] = true
	}
	if len(errs) > 0 {
		c.problems = append(c.problems, errs...)
		return formError(errs)
	}
	old := s.commands[scope]
	var next []map[string]any
	out := []any{}
	for _, v := range in {
		cmd := object(v)
		typ, ok := integer(cmd["type"])
		if !ok {
			typ = 1
		}
		id := ""
		if i := findCommand(old, typ, str(cmd["name"])); i >= 0 {
			id = str(old[i]["id"])
		}
		obj := s.commandObject(scope, cmd, id)
		next = append(next, obj)
		out = append(out, maps.Clone(obj))
	}
	s.commands[scope] = next
	s.notifyLocked()
	return ok(out)
}

// postCommand creates a command, or overwrites the one of the same type and name (200 instead
// of 201).
func (s *Server) postCommand(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, rep := s.commandScopeLocked(c)
	if rep != nil {
		return *rep
	}
	body := c.object()
	if errs := commandLimits("", body); len(errs) > 0 {
		c.problems = append(c.problems, errs...)
		return formError(errs)
	}
	typ, ok := integer(body["type"])
	if !ok {
		typ = 1
	}
	cmds := s.commands[scope]
	status := http.StatusCreated
	i := findCommand(cmds, typ, str(body["name"]))
	id := ""
	if i >= 0 {
		status, id = http.StatusOK, str(cmds[i]["id"])
	}
	obj := s.commandObject(scope, body, id)
	if i >= 0 {
		cmds[i] = obj
	} else {
		s.commands[scope] = append(cmds, obj)
	}
	s.notifyLocked()
	return reply{status, maps.Clone(obj)}
}

func (s *Server) commandLocked(c *call) (string, int, *reply) {
	scope, rep := s.commandScopeLocked(c)
	if rep != nil {
		return "", -1, rep
	}
	i := slices.IndexFunc(s.commands[scope], func(cmd map[string]any) bool { return cmd["id"] == c.params["command_id"] })
	if i < 0 {
		return "", -1, &errUnknownCommand
	}
	return scope, i, nil
}

func (s *Server) getCommand(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, i, rep := s.commandLocked(c)
	if rep != nil {
		return *rep
	}
	return ok(maps.Clone(s.commands[scope][i]))
}

func (s *Server) patchCommand(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, i, rep := s.commandLocked(c)
	if rep != nil {
		return *rep
	}
	merged := maps.Clone(s.commands[scope][i])
	maps.Copy(merged, c.object())
	if errs := commandLimits("", merged); len(errs) > 0 {
		c.problems = append(c.problems, errs...)
		return formError(errs)
	}
	obj := s.commandObject(scope, merged, str(merged["id"]))
	s.commands[scope][i] = obj
	s.notifyLocked()
	return ok(maps.Clone(obj))
}

func (s *Server) deleteCommand(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, i, rep := s.commandLocked(c)
	if rep != nil {
		return *rep
	}
	s.commands[scope] = slices.Delete(s.commands[scope], i, i+1)
	s.notifyLocked()
	return noContent()
}

// Commands returns the commands registered for a guild, or the global ones when guildID is "",
// decoded as discordgo values.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	for _, cmd := range s.commands[guildID] {
		var ac discordgo.ApplicationCommand
		if decodeInto(cmd, &ac) == nil {
			out = append(out, &ac)
		}
	}
	return out
}

// commandLookupLocked returns the registered command a user would invoke by type and name in a
// guild (guild commands first, then global ones), or nil.
func (s *Server) commandLookupLocked(guildID string, typ int64, name string) map[string]any {
	for _, scope := range []string{guildID, ""} {
		if i := findCommand(s.commands[scope], typ, name); i >= 0 {
			return s.commands[scope][i]
		}
	}
	return nil
}
