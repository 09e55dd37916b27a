// tasks.go - Go side of the tasks experiment (article 3.1).
//
// go.goroutine: one op = one goroutine started and parked on a channel
// receive; a sample starts `tasks` of them and waits until all have run up
// to the receive (closing the channel afterwards is not timed). The first
// sample reports the resident set before and after (/proc/self/statm) and
// the runtime's stack memory per goroutine (MemStats.StackInuse).
//
// go.switch.p1 / go.switch.p2 (GOMAXPROCS 1 or 2 from the variant's env):
// two goroutines ping-pong over two unbuffered channels; one op = one
// switch, a round trip is two. OPS is not used: a sample line is `batch`
// switches and each requested sample becomes `lines` lines (see tasks.c).
package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
)

func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return -1
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return -1
	}
	return pages * int64(os.Getpagesize())
}

var started atomic.Int64

func parked(release chan struct{}) {
	started.Add(1)
	<-release
}

func runGoroutines(w *TLW) {
	n := w.Int("tasks", 1000)
	if n <= 0 {
		tlwDie("tasks must be positive")
	}
	tlwFact("tasks", strconv.FormatInt(n, 10))
	tlwFact("gomaxprocs", strconv.Itoa(runtime.GOMAXPROCS(0)))
	for s := 0; s < w.Samples; s++ {
		release := make(chan struct{})
		started.Store(0)
		var ms0, ms1 runtime.MemStats
		if s == 0 {
			runtime.ReadMemStats(&ms0)
		}
		rss0 := rssBytes()
		t0 := tlwNow()
		for i := int64(0); i < n; i++ {
			go parked(release)
		}
		for started.Load() < n {
			runtime.Gosched()
		}
		t1 := tlwNow()
		rss1 := rssBytes()
		if s == 0 {
			runtime.ReadMemStats(&ms1)
		}
		close(release)
		tlwSample(t1-t0, uint64(n))
		if s == 0 && rss0 > 0 && rss1 > 0 {
			tlwMetric("rss_bytes_before_create", float64(rss0))
			tlwMetric("rss_bytes_after_create", float64(rss1))
			tlwMetric("rss_bytes_per_task", float64(rss1-rss0)/float64(n))
			tlwMetric("stack_inuse_bytes_per_task",
				float64(int64(ms1.StackInuse)-int64(ms0.StackInuse))/float64(n))
		}
		// Let the released goroutines exit before the next round.
		for runtime.NumGoroutine() > 1 {
			runtime.Gosched()
		}
	}
}

func runSwitch(w *TLW) {
	ping := make(chan uint64)
	pong := make(chan uint64)
	var partnerRounds uint64
	done := make(chan struct{})
	go func() {
		for v := range ping {
			partnerRounds++
			pong <- v + 1
		}
		close(done)
	}()
	batch, lines := w.Int("batch", 100), w.Int("lines", 100)
	if batch < 2 || lines < 1 {
		tlwDie("batch must be >= 2 and lines >= 1")
	}
	rounds := uint64(batch) / 2
	nlines := uint64(lines) * uint64(w.Samples)
	const warm = 1000
	tlwFact("clock", "CLOCK_MONOTONIC")
	tlwFact("gomaxprocs", strconv.Itoa(runtime.GOMAXPROCS(0)))
	tlwFact("switches_per_sample", strconv.FormatUint(rounds*2, 10))
	var bad, v uint64
	trip := func(n uint64) {
		for i := uint64(0); i < n; i++ {
			ping <- v
			r := <-pong
			if r != v+1 {
				bad++
			}
			v = r
		}
	}
	trip(warm)
	for s := uint64(0); s < nlines; s++ {
		t0 := tlwNow()
		trip(rounds)
		tlwSample(tlwNow()-t0, rounds*2)
	}
	close(ping)
	<-done
	if bad != 0 || partnerRounds != rounds*nlines+warm {
		tlwDie("%d bad replies, %d round trips, %d expected", bad,
			partnerRounds, rounds*nlines+warm)
	}
	tlwKeep(v)
}

func main() {
	w := tlwArgs()
	switch w.Variant {
	case "go.goroutine":
		runGoroutines(w)
	case "go.switch.p1", "go.switch.p2":
		runSwitch(w)
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	tlwFinish()
}
