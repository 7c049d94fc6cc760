//go:build race

package comment_test

// raceEnabled: timings mean little under the race detector (it slows store and index code many times over).
const raceEnabled = true
