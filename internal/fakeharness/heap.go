package fakeharness

import (
	"runtime"
	"sync/atomic"
	"time"
)

// HeapGrowth samples the heap in use every interval from now on (after a GC, so that the
// base is what is live). The function it returns stops the sampling and answers how far the
// heap's peak rose above the base, in bytes (negative where it only shrank).
func HeapGrowth(interval time.Duration) (stop func() int64) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(interval):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	return func() int64 {
		close(done)
		<-sampled
		return int64(peak.Load()) - int64(base.HeapInuse)
	}
}
