//go:build !race

package comment_test

const raceEnabled = false
