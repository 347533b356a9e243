package main

import (
	"testing"
	"time"
)

// The load itself only runs from bench/run.sh; this checks the arithmetic
// that turns samples into figures.

func TestSummarizeWindow(t *testing.T) {
	s := time.Second
	r := &result{s: scenario{size: 1 << 20}}
	r.summarize([]sample{
		{start: 0, end: 2 * s, ok: true},       // half inside [1s, 9s]
		{start: 2 * s, end: 4 * s, ok: true},   // inside
		{start: 4 * s, end: 6 * s, ok: false},  // failed: counted as an error only
		{start: 8 * s, end: 10 * s, ok: true},  // half inside
		{start: 9 * s, end: 10 * s, ok: true},  // outside
		{start: 5 * s, end: 5 * s, ok: true},   // instantaneous, inside
		{start: 10 * s, end: 10 * s, ok: true}, // instantaneous, outside
	}, 10*s, 0.1)
	if r.window != 8*s {
		t.Fatalf("window %v", r.window)
	}
	if r.ops != 3 || r.errs != 1 || r.n != 6 {
		t.Fatalf("ops %v errs %d n %d", r.ops, r.errs, r.n)
	}
	if r.opsPerSec != 3.0/8 || r.mibPerSec != 3.0/8 {
		t.Fatalf("ops/s %v MiB/s %v", r.opsPerSec, r.mibPerSec)
	}
	// Latencies of the successful ops that ended in the window: 0, 2s, 2s.
	if r.p50 != 2*s || r.p99 != 2*s {
		t.Fatalf("p50 %v p99 %v", r.p50, r.p99)
	}
}

func TestPercentile(t *testing.T) {
	var v []time.Duration
	for i := 1; i <= 100; i++ {
		v = append(v, time.Duration(i))
	}
	if p := percentile(v, 0.5); p != 50 {
		t.Fatalf("p50 = %v", p)
	}
	if p := percentile(v, 0.99); p != 99 {
		t.Fatalf("p99 = %v", p)
	}
	if p := percentile(nil, 0.5); p != 0 {
		t.Fatalf("empty p50 = %v", p)
	}
}

func TestPickScenarios(t *testing.T) {
	all, err := pickScenarios("all")
	if err != nil || len(all) != len(scenarios) {
		t.Fatalf("all: %d, %v", len(all), err)
	}
	two, err := pickScenarios("put-4KiB, get-64mib")
	if err != nil || len(two) != 2 || two[1].name != "get-64MiB" {
		t.Fatalf("two: %+v, %v", two, err)
	}
	if _, err := pickScenarios("put-5KiB"); err == nil {
		t.Fatal("unknown scenario accepted")
	}
}
