package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/config"
)

func load(env map[string]string) (config.Config, error) {
	return config.Load(nil, func(k string) string { return env[k] })
}

func TestDurationsFromTheEnvironment(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.TranslateTimeout != 30*time.Second || c.LiveLease != 15*time.Second {
		t.Errorf("defaults: translate %v, lease %v", c.TranslateTimeout, c.LiveLease)
	}
	if c, err = load(map[string]string{"TEIXIT_TRANSLATE_TIMEOUT": "45s"}); err != nil || c.TranslateTimeout != 45*time.Second {
		t.Errorf("45s: %v %v", c.TranslateTimeout, err)
	}
	for name, bad := range map[string]string{"TEIXIT_TRANSLATE_TIMEOUT": "soon", "TEIXIT_LIVE_LEASE": "500ms"} {
		_, err := load(map[string]string{name: bad})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v, want an error naming the variable", name, bad, err)
		}
	}
}
