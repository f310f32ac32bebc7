package web_test

import "fmt"

// The access cases of the inbox, listening and crisis routes, added to
// accessCases (which TestAccess walks).
func init() {
	conv := func(suffix, body string) accessCase {
		return func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/inbox/%d%s", f.conversation.ID, suffix)), body
		}
	}
	apiConv := func(suffix, body string) accessCase {
		return func(f *fixture, _ string) (string, string) {
			return fmt.Sprintf("/api/v1/workspaces/%d/conversations/%d%s", f.ws.ID, f.conversation.ID, suffix), body
		}
	}
	incident := func(api bool, body string) accessCase {
		return func(f *fixture, _ string) (string, string) {
			if api {
				return fmt.Sprintf("/api/v1/workspaces/%d/incidents/%d", f.ws.ID, f.incident.ID), body
			}
			return inWSPath(f, fmt.Sprintf("/incidents/%d", f.incident.ID)), body
		}
	}
	cases := map[string]accessCase{
		"GET /w/{ws}/inbox":                 inWS("/inbox?status=open&q=sunday&sentiment=neutral&assignee=me", ""),
		"GET /w/{ws}/inbox/{conv}":          conv("", ""),
		"POST /w/{ws}/inbox/{conv}":         conv("", form("status", "closed")),
		"POST /w/{ws}/inbox/{conv}/reply":   conv("/reply", form("text", "Yes, from 10:00.")),
		"POST /w/{ws}/inbox/{conv}/notes":   conv("/notes", form("body", "A regular")),
		"GET /w/{ws}/listening":             inWS("/listening", ""),
		"POST /w/{ws}/listening":            inWS("/listening", form("kind", "keyword", "query", "aurora coffee")),
		"POST /w/{ws}/replies":              inWS("/replies", form("name", "Thanks", "text", "Thank you, {name}!")),
		"GET /w/{ws}/incidents":             inWS("/incidents", ""),
		"POST /w/{ws}/incidents":            inWS("/incidents", form("title", "Outage", "severity", "high", "playbook", "outage")),
		"GET /w/{ws}/incidents/{incident}":  incident(false, ""),
		"POST /w/{ws}/incidents/{incident}": incident(false, form("note", "Statement drafted")),
		"GET /w/{ws}/crisis":                inWS("/crisis", ""),
		"POST /w/{ws}/crisis":               inWS("/crisis", form("sensitivity", "high", "response_target", "30")),
		"POST /w/{ws}/crisis/channels":      inWS("/crisis/channels", form("kind", "webhook", "target", "http://127.0.0.1:9/other")),
		"POST /w/{ws}/listening/{search}/pause": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/listening/%d/pause", f.search.ID)), form("paused", "1")
		},
		"POST /w/{ws}/listening/{search}/delete": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/listening/%d/delete", f.search.ID)), ""
		},
		"POST /w/{ws}/replies/{reply}/delete": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/replies/%d/delete", f.savedReply.ID)), ""
		},
		"POST /w/{ws}/crisis/channels/{channel}/delete": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/crisis/channels/%d/delete", f.channel.ID)), ""
		},
		"POST /w/{ws}/crisis/channels/{channel}/test": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/crisis/channels/%d/test", f.channel.ID)), ""
		},

		"GET /api/v1/workspaces/{ws}/conversations":               inAPIWS("/conversations?status=open&q=sunday&sentiment=neutral", ""),
		"GET /api/v1/workspaces/{ws}/conversations/{conv}":        apiConv("", ""),
		"PATCH /api/v1/workspaces/{ws}/conversations/{conv}":      apiConv("", `{"status":"waiting"}`),
		"POST /api/v1/workspaces/{ws}/conversations/{conv}/reply": apiConv("/reply", `{"text":"We open at 10:00."}`),
		"GET /api/v1/workspaces/{ws}/conversations/{conv}/notes":  apiConv("/notes", ""),
		"POST /api/v1/workspaces/{ws}/conversations/{conv}/notes": apiConv("/notes", `{"body":"VIP"}`),
		"GET /api/v1/workspaces/{ws}/saved-searches":              inAPIWS("/saved-searches", ""),
		"POST /api/v1/workspaces/{ws}/saved-searches":             inAPIWS("/saved-searches", `{"kind":"hashtag","query":"#roast"}`),
		"GET /api/v1/workspaces/{ws}/saved-replies":               inAPIWS("/saved-replies", ""),
		"POST /api/v1/workspaces/{ws}/saved-replies":              inAPIWS("/saved-replies", `{"name":"Sorry","text":"Sorry, {name}."}`),
		"GET /api/v1/workspaces/{ws}/incidents":                   inAPIWS("/incidents", ""),
		"POST /api/v1/workspaces/{ws}/incidents":                  inAPIWS("/incidents", `{"title":"Outage","severity":"critical","pause_publishing":true}`),
		"GET /api/v1/workspaces/{ws}/incidents/{incident}":        incident(true, ""),
		"PATCH /api/v1/workspaces/{ws}/incidents/{incident}":      incident(true, `{"status":"monitoring","check":[1]}`),
		"GET /api/v1/workspaces/{ws}/alerts":                      inAPIWS("/alerts", ""),
		"GET /api/v1/workspaces/{ws}/alert-channels":              inAPIWS("/alert-channels", ""),
		"POST /api/v1/workspaces/{ws}/alert-channels":             inAPIWS("/alert-channels", `{"kind":"webhook","target":"https://hooks.example.org/gears"}`),
		"DELETE /api/v1/workspaces/{ws}/saved-searches/{search}": func(f *fixture, _ string) (string, string) {
			return fmt.Sprintf("/api/v1/workspaces/%d/saved-searches/%d", f.ws.ID, f.search.ID), ""
		},
		"DELETE /api/v1/workspaces/{ws}/saved-replies/{reply}": func(f *fixture, _ string) (string, string) {
			return fmt.Sprintf("/api/v1/workspaces/%d/saved-replies/%d", f.ws.ID, f.savedReply.ID), ""
		},
		"DELETE /api/v1/workspaces/{ws}/alert-channels/{channel}": func(f *fixture, _ string) (string, string) {
			return fmt.Sprintf("/api/v1/workspaces/%d/alert-channels/%d", f.ws.ID, f.channel.ID), ""
		},
	}
	for k, v := range cases {
		if _, dup := accessCases[k]; dup {
			panic("access case written twice: " + k)
		}
		accessCases[k] = v
	}
}
