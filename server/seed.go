package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/seed"
)

func runSeed(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	a, err := app.New(ctx, cfg, app.Deps{Log: log})
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	accounts, err := seed.Load(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Demo data loaded. Demo accounts (change these passwords before any real use):")
	for _, acc := range accounts {
		fmt.Fprintf(out, "  %-16s %-32s %s\n", acc.Role, acc.Email, acc.Password)
	}
	return nil
}
