package web_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
	"gears/web"
)

// linkClients is how many keep-alive clients BenchmarkLinkRedirect runs.
var linkClients = flag.Int("link-clients", 32, "concurrent keep-alive clients of BenchmarkLinkRedirect")

// linkRaw makes BenchmarkLinkRedirect's clients write HTTP/1.1 on their
// sockets themselves (one request at a time on each keep-alive
// connection) instead of using net/http's client, which spends more of
// the shared cores than the server does.
var linkRaw = flag.Bool("link-raw", false, "BenchmarkLinkRedirect: minimal HTTP/1.1 clients instead of net/http's")

// BenchmarkLinkRedirect measures /l/{code} as visitors meet it: a real
// http.Server on 127.0.0.1 serving Gears' whole handler, keep-alive
// clients (in this process, sharing its cores), the click flusher
// writing to SQLite every 2 seconds meanwhile. It reports requests per
// second and the 50th and 99th percentiles of latency as the clients see
// them, and checks that every click was counted. Run it with
//
//	go test ./web -run '^$' -bench BenchmarkLinkRedirect -benchtime 200000x -args -link-clients=32
func BenchmarkLinkRedirect(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ctx := context.Background()
	u, err := store.NewUserService(db).CreateUser(ctx, gears.UserCreate{Email: "bench@example.com", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	owner := gears.NewContextWithUser(ctx, u)
	ws, err := store.NewWorkspaceService(db).CreateWorkspace(owner, gears.WorkspaceCreate{Name: "Bench", Timezone: "Europe/Madrid"})
	if err != nil {
		b.Fatal(err)
	}
	links := store.NewLinkService(db)
	var codes []string
	for i := 0; i < 50; i++ {
		l, err := links.CreateLink(owner, ws.ID, gears.LinkCreate{TargetURL: "https://shop.example/huila?ref=feed", Network: gears.Mastodon, Campaign: "Spring sale", UTMContent: "hero"})
		if err != nil {
			b.Fatal(err)
		}
		codes = append(codes, l.Code)
	}
	s := web.New(web.Config{Version: "bench"}, db, quietLogger())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	defer srv.Close()
	fctx, stopFlusher := context.WithCancel(ctx)
	flushed := make(chan error, 1)
	go func() { flushed <- s.RunClickFlusher(fctx, 2*time.Second) }()

	clients := *linkClients
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + ln.Addr().String() + "/l/"
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var failures atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			reqs := make([]*http.Request, len(codes))
			for i, code := range codes {
				reqs[i], _ = http.NewRequest("GET", base+code, nil)
				reqs[i].Header.Set("User-Agent", browserUA)
			}
			mine := make([]time.Duration, 0, b.N/clients+1)
			if *linkRaw {
				lat[c] = rawClicks(ln.Addr().String(), codes, &next, int64(b.N), &failures, mine)
				return
			}
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					break
				}
				t0 := time.Now()
				resp, err := client.Do(reqs[n%int64(len(reqs))])
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode != http.StatusFound {
					failures.Add(1)
				}
			}
			lat[c] = mine
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	stopFlusher()
	if err := <-flushed; err != nil && !errors.Is(err, context.Canceled) {
		b.Fatal(err)
	}
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d requests failed", f)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)]) / float64(time.Millisecond) }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
	// Every click was counted, once.
	var total int64
	list, err := links.FindLinks(owner, ws.ID, store.LinkFilter{Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range list {
		total += l.Clicks
	}
	if total != int64(b.N) {
		b.Fatalf("counted %d clicks, want %d", total, b.N)
	}
}

// rawClicks sends GET /l/{code} on one keep-alive connection, one request
// at a time, until next passes n, and returns each request's latency.
func rawClicks(addr string, codes []string, next *atomic.Int64, n int64, failures *atomic.Int64, lat []time.Duration) []time.Duration {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		failures.Add(1)
		return lat
	}
	defer conn.Close()
	reqs := make([][]byte, len(codes))
	for i, code := range codes {
		reqs[i] = []byte("GET /l/" + code + " HTTP/1.1\r\nHost: gears.test\r\nUser-Agent: " + browserUA + "\r\nAccept: */*\r\n\r\n")
	}
	r := bufio.NewReaderSize(conn, 4096)
	for {
		i := next.Add(1)
		if i > n {
			return lat
		}
		t0 := time.Now()
		if _, err := conn.Write(reqs[i%int64(len(reqs))]); err != nil {
			failures.Add(1)
			return lat
		}
		status, err := r.ReadSlice('\n')
		if err != nil || !bytes.HasPrefix(status, []byte("HTTP/1.1 302 ")) {
			failures.Add(1)
			return lat
		}
		for { // headers; a 302 from Gears has no body
			line, err := r.ReadSlice('\n')
			if err != nil {
				failures.Add(1)
				return lat
			}
			if len(line) <= 2 {
				break
			}
		}
		lat = append(lat, time.Since(t0))
	}
}

// discardWriter is a ResponseWriter that keeps nothing, reused between
// requests, so that a benchmark counts only the handler's own work.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(s int)           { w.status = s }

// BenchmarkLinkHandler is the redirect's handler alone (Gears' root
// handler, no network): its time and allocations per click.
func BenchmarkLinkHandler(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ctx := context.Background()
	u, err := store.NewUserService(db).CreateUser(ctx, gears.UserCreate{Email: "bench@example.com", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	owner := gears.NewContextWithUser(ctx, u)
	ws, err := store.NewWorkspaceService(db).CreateWorkspace(owner, gears.WorkspaceCreate{Name: "Bench", Timezone: "Europe/Madrid"})
	if err != nil {
		b.Fatal(err)
	}
	l, err := store.NewLinkService(db).CreateLink(owner, ws.ID, gears.LinkCreate{TargetURL: "https://shop.example/huila", Network: gears.Mastodon, Campaign: "Spring"})
	if err != nil {
		b.Fatal(err)
	}
	h := web.New(web.Config{Version: "bench"}, db, quietLogger()).Handler()
	req, _ := http.NewRequest("GET", "/l/"+l.Code, nil)
	req.Header.Set("User-Agent", browserUA)
	req.Header.Set("Accept-Language", "es-ES,es;q=0.9,en;q=0.8")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		h.ServeHTTP(w, req)
		if w.status != http.StatusFound {
			b.Fatalf("status %d", w.status)
		}
	}
}
