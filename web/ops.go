package web

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// healthz answers while the process serves HTTP.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 only when the database answers too.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.logger.Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// metrics counts requests per route and status, and their durations, and
// writes them with the process's own figures in Prometheus' text format.
type metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64
	duration map[string]*histogram
	started  time.Time
}

type reqKey struct {
	route  string
	status int
}

var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []uint64 // per bucket, cumulative on output
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[reqKey]uint64{}, duration: map[string]*histogram{}, started: time.Now()}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{route, status}]++
	h := m.duration[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.duration[route] = h
	}
	sec := d.Seconds()
	for i, b := range buckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.count++
}

func promLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	m.mu.Lock()
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].status < keys[j].status
	})
	b.WriteString("# HELP gears_http_requests_total HTTP requests served, by route and status.\n# TYPE gears_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "gears_http_requests_total{route=\"%s\",status=\"%d\"} %d\n", promLabel(k.route), k.status, m.requests[k])
	}
	routes := make([]string, 0, len(m.duration))
	for k := range m.duration {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	b.WriteString("# HELP gears_http_request_duration_seconds Time to serve HTTP requests, by route.\n# TYPE gears_http_request_duration_seconds histogram\n")
	for _, route := range routes {
		h := m.duration[route]
		var cum uint64
		for i, le := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "gears_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", promLabel(route), le, cum)
		}
		fmt.Fprintf(&b, "gears_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", promLabel(route), h.count)
		fmt.Fprintf(&b, "gears_http_request_duration_seconds_sum{route=\"%s\"} %g\n", promLabel(route), h.sum)
		fmt.Fprintf(&b, "gears_http_request_duration_seconds_count{route=\"%s\"} %d\n", promLabel(route), h.count)
	}
	started := m.started
	m.mu.Unlock()

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(&b, "# HELP go_goroutines Goroutines that exist now.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# HELP go_memstats_heap_alloc_bytes Heap bytes allocated and in use.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	fmt.Fprintf(&b, "# HELP go_memstats_sys_bytes Bytes obtained from the system.\n# TYPE go_memstats_sys_bytes gauge\ngo_memstats_sys_bytes %d\n", ms.Sys)
	fmt.Fprintf(&b, "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %d\n", started.Unix())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}
