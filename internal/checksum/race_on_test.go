//go:build race

package checksum

// raceEnabled: allocation counts differ under the race detector (the
// stdlib's append(b, make(...)...) is not optimised there).
const raceEnabled = true
