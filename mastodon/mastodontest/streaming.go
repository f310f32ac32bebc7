package mastodontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The streaming API's server-sent events, as Mastodon's streaming server
// (streaming/index.js) writes them: ":)" when the stream opens, ":thump"
// every heartbeat, and each event as "event: <name>" and "data: <JSON>"
// lines followed by a blank line.
const (
	streamUserNotification = "/api/v1/streaming/user/notification"
	streamRoot             = "/api/v1/streaming"
)

// subscriber is one open stream of an account's notifications.
type subscriber struct {
	accountID string
	events    chan []byte   // rendered notifications; a stream that lags is dropped
	drop      chan struct{} // closed to cut the connection
	dropped   bool
}

// isStreaming reports whether path is the streaming API's.
func isStreaming(path string) bool {
	return path == streamUserNotification || path == streamRoot || strings.HasPrefix(path, streamRoot+"/")
}

// streamingURL is the streaming base URL the instance advertises.
func (s *Server) streamingURL() string {
	if s.cfg.StreamingURL != "" {
		return s.cfg.StreamingURL
	}
	return "ws://" + strings.TrimPrefix(s.URL, "http://")
}

// streaming serves GET /api/v1/streaming/user/notification and GET
// /api/v1/streaming?stream=user:notification as server-sent events. The
// token is read from the Authorization header or the access_token
// parameter, as the streaming server does; it needs read or
// read:notifications.
func (s *Server) streaming(w http.ResponseWriter, r *http.Request) {
	if s.cfg.NoStreaming {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	switch r.URL.Path {
	case streamUserNotification:
	case streamRoot:
		if r.URL.Query().Get("stream") != "user:notification" {
			writeError(w, http.StatusBadRequest, "Unknown stream type")
			return
		}
	default:
		writeError(w, http.StatusNotFound, "Record not found")
		return
	}
	tok := bearer(r)
	if tok == "" {
		tok = r.URL.Query().Get("access_token")
	}
	s.mu.Lock()
	a := s.byToken[tok]
	granted := strings.Fields(s.scopes[tok])
	s.mu.Unlock()
	switch {
	case tok == "":
		writeError(w, http.StatusUnauthorized, "Missing access token")
		return
	case a == nil:
		writeError(w, http.StatusUnauthorized, "Invalid access token")
		return
	case !containsAny(granted, "read", "read:notifications"):
		writeError(w, http.StatusUnauthorized, "Access token does not have the required scopes")
		return
	}
	sub := &subscriber{accountID: a.ID, events: make(chan []byte, 64), drop: make(chan struct{})}
	s.mu.Lock()
	if s.streams == nil {
		s.streams = make(map[*subscriber]bool)
	}
	s.streams[sub] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.streams, sub)
		s.mu.Unlock()
	}()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	write := func(text string) bool {
		if _, err := fmt.Fprint(w, text); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(":)\n") {
		return
	}
	every := s.cfg.StreamHeartbeat
	if every <= 0 {
		every = 15 * time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-s.closing:
			return
		case <-r.Context().Done():
			return
		case <-sub.drop:
			drop(w)
			return
		case <-tick.C:
			if !write(":thump\n") {
				return
			}
		case data := <-sub.events:
			if !write("event: notification\ndata: " + string(data) + "\n\n") {
				return
			}
		}
	}
}

func containsAny(list []string, want ...string) bool {
	for _, l := range list {
		for _, w := range want {
			if l == w {
				return true
			}
		}
	}
	return false
}

// stream sends n to the open streams of its account; a stream too far
// behind to take it is cut, as a client that cannot keep up would be.
// Must be called with s.mu held.
func (s *Server) stream(n *Notification) {
	var data []byte
	for sub := range s.streams {
		if sub.accountID != n.AccountID || sub.dropped {
			continue
		}
		if data == nil {
			var err error
			if data, err = json.Marshal(s.notificationJSON(n)); err != nil {
				panic(err)
			}
		}
		select {
		case sub.events <- data:
		default:
			sub.dropped = true
			close(sub.drop)
		}
	}
}

// Streams counts the open streams of an account ("" for every account).
func (s *Server) Streams(accountID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for sub := range s.streams {
		if !sub.dropped && (accountID == "" || sub.accountID == accountID) {
			n++
		}
	}
	return n
}

// DropStreams cuts every open stream (a reset connection, as when a
// proxy dies) and returns how many there were.
func (s *Server) DropStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for sub := range s.streams {
		if !sub.dropped {
			sub.dropped = true
			close(sub.drop)
			n++
		}
	}
	return n
}
