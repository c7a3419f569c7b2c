package discordtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file checks request bodies against the limits Discord enforces that its OpenAPI schema
// does not state (or states differently: the schema allows 4000 characters of content, Discord
// 2000 for a bot). Breaches are answered with 400 "Invalid Form Body" as Discord does.

// Discord's limits on messages, embeds, components and commands.
const (
	maxContent        = 2000
	maxEmbeds         = 10
	maxEmbedTitle     = 256
	maxEmbedDesc      = 4096
	maxEmbedFields    = 25
	maxFieldName      = 256
	maxFieldValue     = 1024
	maxFooter         = 2048
	maxAuthorName     = 256
	maxEmbedTotal     = 6000
	maxRows           = 5
	maxRowButtons     = 5
	maxCustomID       = 100
	maxButtonLabel    = 80
	maxSelectOptions  = 25
	maxSelectText     = 100
	maxChoices        = 25
	maxChoiceName     = 100
	maxChoiceValue    = 100
	maxCommandName    = 32
	maxCommandDesc    = 100
	maxCommandOptions = 25
)

// Message flags Discord accepts.
const (
	flagSuppressEmbeds        = 1 << 2
	flagEphemeral             = 1 << 6
	flagLoading               = 1 << 7
	flagSuppressNotifications = 1 << 12
	flagComponentsV2          = 1 << 15
)

// channelMessageFlags are the flags a bot may set on a message it posts in a channel.
const channelMessageFlags = flagSuppressEmbeds | flagSuppressNotifications | flagComponentsV2

// interactionFlags are the flags an interaction response or followup may set.
const interactionFlags = flagEphemeral | flagSuppressEmbeds | flagSuppressNotifications | flagComponentsV2

// commandName is Discord's pattern for command and option names.
var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// JSON value helpers for bodies decoded with UseNumber.

func str(v any) string {
	s, _ := v.(string)
	return s
}

func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		return int64(n), n == float64(int64(n))
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func object(v any) map[string]any {
	o, _ := v.(map[string]any)
	return o
}

func length(s string) int { return utf8.RuneCountInString(s) }

func tooLong(path string, max int) fieldError {
	return fieldError{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max)}
}

func required(path string) fieldError {
	return fieldError{path, "BASE_TYPE_REQUIRED", "This field is required"}
}

func join(path string, more ...any) string {
	parts := []string{}
	if path != "" {
		parts = append(parts, path)
	}
	for _, m := range more {
		parts = append(parts, fmt.Sprint(m))
	}
	return strings.Join(parts, ".")
}

// isEmptyMessage reports whether a message body has nothing to show: Discord refuses it with
// 50006.
func isEmptyMessage(body map[string]any, files int) bool {
	return strings.TrimSpace(str(body["content"])) == "" && len(list(body["embeds"])) == 0 &&
		len(list(body["components"])) == 0 && len(list(body["sticker_ids"])) == 0 &&
		body["poll"] == nil && files == 0
}

// messageLimits checks the parts of a message body: content, embeds, components and
// allowed_mentions.
func messageLimits(body map[string]any) []fieldError {
	var errs []fieldError
	if length(str(body["content"])) > maxContent {
		errs = append(errs, tooLong("content", maxContent))
	}
	errs = append(errs, embedLimits(list(body["embeds"]))...)
	flags, _ := integer(body["flags"])
	if flags&flagComponentsV2 == 0 {
		errs = append(errs, componentLimits(list(body["components"]))...)
	}
	if am := object(body["allowed_mentions"]); am != nil {
		parse := list(am["parse"])
		for i, p := range parse {
			if s := str(p); s != "users" && s != "roles" && s != "everyone" {
				errs = append(errs, fieldError{join("allowed_mentions.parse", i), "BASE_TYPE_CHOICES",
					"Value must be one of ('users', 'roles', 'everyone')."})
			}
		}
		for _, kind := range []string{"users", "roles"} {
			if len(list(am[kind])) > 0 && containsValue(parse, kind) {
				errs = append(errs, fieldError{"allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
					fmt.Sprintf("parse:[\"%s\"] and %s: [ids...] are mutually exclusive.", kind, kind)})
			}
		}
	}
	return errs
}

func containsValue(l []any, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

func embedLimits(embeds []any) []fieldError {
	var errs []fieldError
	if len(embeds) > maxEmbeds {
		errs = append(errs, tooLong("embeds", maxEmbeds))
	}
	total := 0
	for i, v := range embeds {
		e := object(v)
		path := join("embeds", i)
		check := func(field string, s string, max int) {
			total += length(s)
			if length(s) > max {
				errs = append(errs, tooLong(join(path, field), max))
			}
		}
		check("title", str(e["title"]), maxEmbedTitle)
		check("description", str(e["description"]), maxEmbedDesc)
		if f := object(e["footer"]); f != nil {
			check("footer.text", str(f["text"]), maxFooter)
		}
		if a := object(e["author"]); a != nil {
			check("author.name", str(a["name"]), maxAuthorName)
		}
		fields := list(e["fields"])
		if len(fields) > maxEmbedFields {
			errs = append(errs, tooLong(join(path, "fields"), maxEmbedFields))
		}
		for j, fv := range fields {
			f := object(fv)
			fp := join(path, "fields", j)
			if strings.TrimSpace(str(f["name"])) == "" {
				errs = append(errs, required(join(fp, "name")))
			}
			if strings.TrimSpace(str(f["value"])) == "" {
				errs = append(errs, required(join(fp, "value")))
			}
			check("fields."+strconv.Itoa(j)+".name", str(f["name"]), maxFieldName)
			check("fields."+strconv.Itoa(j)+".value", str(f["value"]), maxFieldValue)
		}
	}
	if total > maxEmbedTotal {
		errs = append(errs, fieldError{"embeds", "MAX_EMBED_SIZE_EXCEEDED",
			fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedTotal)})
	}
	return errs
}

// componentLimits checks classic components: up to five action rows, each holding up to five
// buttons or one select menu.
func componentLimits(rows []any) []fieldError {
	var errs []fieldError
	if len(rows) > maxRows {
		errs = append(errs, tooLong("components", maxRows))
	}
	seen := map[string]bool{}
	customID := func(path string, c map[string]any, need bool) {
		id, present := c["custom_id"].(string)
		switch {
		case !present && need:
			errs = append(errs, required(join(path, "custom_id")))
		case present && (length(id) < 1 || length(id) > maxCustomID):
			errs = append(errs, fieldError{join(path, "custom_id"), "BASE_TYPE_BAD_LENGTH",
				fmt.Sprintf("Must be between 1 and %d in length.", maxCustomID)})
		case present && seen[id]:
			errs = append(errs, fieldError{join(path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED",
				"Component custom id cannot be duplicated"})
		}
		if present {
			seen[id] = true
		}
	}
	for i, rv := range rows {
		row := object(rv)
		path := join("components", i)
		if t, _ := integer(row["type"]); t != 1 {
			errs = append(errs, fieldError{join(path, "type"), "UNION_TYPE_CHOICES",
				"Value of field \"type\" must be one of (1,)."})
			continue
		}
		children := list(row["components"])
		if len(children) == 0 {
			errs = append(errs, required(join(path, "components")))
		}
		width := 0
		for j, cv := range children {
			c := object(cv)
			cp := join(path, "components", j)
			t, _ := integer(c["type"])
			switch t {
			case 2: // button
				width++
				style, _ := integer(c["style"])
				switch style {
				case 5:
					if str(c["url"]) == "" {
						errs = append(errs, required(join(cp, "url")))
					}
					if _, has := c["custom_id"]; has {
						errs = append(errs, fieldError{join(cp, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_FORBIDDEN",
							"A custom id cannot be set on a link button"})
					}
				case 6:
				default:
					customID(cp, c, true)
				}
				if length(str(c["label"])) > maxButtonLabel {
					errs = append(errs, tooLong(join(cp, "label"), maxButtonLabel))
				}
				if style != 6 && str(c["label"]) == "" && c["emoji"] == nil {
					errs = append(errs, fieldError{join(cp, "label"), "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
						"A label or an emoji is required"})
				}
			case 3, 5, 6, 7, 8: // select menus
				width += maxRowButtons
				customID(cp, c, true)
				opts := list(c["options"])
				if t == 3 && (len(opts) == 0 || len(opts) > maxSelectOptions) {
					errs = append(errs, fieldError{join(cp, "options"), "BASE_TYPE_BAD_LENGTH",
						fmt.Sprintf("Must be between 1 and %d in length.", maxSelectOptions)})
				}
				for k, ov := range opts {
					o := object(ov)
					for _, f := range []string{"label", "value"} {
						if l := length(str(o[f])); l < 1 || l > maxSelectText {
							errs = append(errs, fieldError{join(cp, "options", k, f), "BASE_TYPE_BAD_LENGTH",
								fmt.Sprintf("Must be between 1 and %d in length.", maxSelectText)})
						}
					}
					if length(str(o["description"])) > maxSelectText {
						errs = append(errs, tooLong(join(cp, "options", k, "description"), maxSelectText))
					}
				}
			default:
				errs = append(errs, fieldError{join(cp, "type"), "UNION_TYPE_CHOICES",
					"Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8)."})
			}
		}
		if width > maxRowButtons {
			errs = append(errs, fieldError{join(path, "components"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
				"The specified component exceeds the maximum width"})
		}
	}
	return errs
}

// choiceLimits checks autocomplete results and command choices: up to 25, names of 1 to 100
// characters, string values of up to 100.
func choiceLimits(path string, choices []any) []fieldError {
	var errs []fieldError
	if len(choices) > maxChoices {
		errs = append(errs, tooLong(path, maxChoices))
	}
	for i, cv := range choices {
		c := object(cv)
		if l := length(str(c["name"])); l < 1 || l > maxChoiceName {
			errs = append(errs, fieldError{join(path, i, "name"), "BASE_TYPE_BAD_LENGTH",
				fmt.Sprintf("Must be between 1 and %d in length.", maxChoiceName)})
		}
		if s, isString := c["value"].(string); isString && length(s) > maxChoiceValue {
			errs = append(errs, tooLong(join(path, i, "value"), maxChoiceValue))
		}
	}
	return errs
}

// commandLimits checks an application command as registered: name, description and options.
func commandLimits(path string, cmd map[string]any) []fieldError {
	var errs []fieldError
	typ, ok := integer(cmd["type"])
	if !ok {
		typ = 1
	}
	name := str(cmd["name"])
	if typ == 1 {
		if !commandName.MatchString(name) || strings.ToLower(name) != name {
			errs = append(errs, fieldError{join(path, "name"), "APPLICATION_COMMAND_INVALID_NAME",
				"Command name is invalid"})
		}
		if l := length(str(cmd["description"])); l < 1 || l > maxCommandDesc {
			errs = append(errs, fieldError{join(path, "description"), "BASE_TYPE_BAD_LENGTH",
				fmt.Sprintf("Must be between 1 and %d in length.", maxCommandDesc)})
		}
	} else {
		if l := length(name); l < 1 || l > maxCommandName {
			errs = append(errs, fieldError{join(path, "name"), "BASE_TYPE_BAD_LENGTH",
				fmt.Sprintf("Must be between 1 and %d in length.", maxCommandName)})
		}
		if str(cmd["description"]) != "" {
			errs = append(errs, fieldError{join(path, "description"), "APPLICATION_COMMAND_INVALID_DESCRIPTION",
				"Context menu commands cannot have description"})
		}
	}
	return append(errs, optionLimits(join(path, "options"), list(cmd["options"]))...)
}

func optionLimits(path string, options []any) []fieldError {
	var errs []fieldError
	if len(options) > maxCommandOptions {
		errs = append(errs, tooLong(path, maxCommandOptions))
	}
	names := map[string]bool{}
	optionalSeen := false
	for i, ov := range options {
		o := object(ov)
		op := join(path, i)
		name := str(o["name"])
		if !commandName.MatchString(name) || strings.ToLower(name) != name {
			errs = append(errs, fieldError{join(op, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
		}
		if names[name] {
			errs = append(errs, fieldError{join(op, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
				"Option names must be unique"})
		}
		names[name] = true
		if l := length(str(o["description"])); l < 1 || l > maxCommandDesc {
			errs = append(errs, fieldError{join(op, "description"), "BASE_TYPE_BAD_LENGTH",
				fmt.Sprintf("Must be between 1 and %d in length.", maxCommandDesc)})
		}
		if req, _ := o["required"].(bool); req && optionalSeen {
			errs = append(errs, fieldError{join(op, "required"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
				"Required options must be placed before non-required options"})
		} else if !req {
			optionalSeen = true
		}
		choices := list(o["choices"])
		if len(choices) > 0 && o["autocomplete"] == true {
			errs = append(errs, fieldError{join(op, "autocomplete"), "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
				"Autocomplete cannot be set with choices"})
		}
		errs = append(errs, choiceLimits(join(op, "choices"), choices)...)
		errs = append(errs, optionLimits(join(op, "options"), list(o["options"]))...)
	}
	return errs
}
