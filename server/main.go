// Command teixit is the Teixit server: `teixit serve` (default), `teixit seed`, `teixit admin grant EMAIL`,
// `teixit reindex`, `teixit ferretdb`, `teixit version`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
