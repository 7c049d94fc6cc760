// Package config is Teixit's one typed configuration: read from TEIXIT_* environment variables, overridden
// by the common flags, validated at start-up. Secrets are never logged (see LogValue).
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server can be told.
type Config struct {
	// Addr is the HTTP listen address (TEIXIT_ADDR, -addr). Default ":8080".
	Addr string
	// DataDir holds the embedded store, the search index and media (TEIXIT_DATA_DIR, -data). Default "./data".
	DataDir string
	// MongoURI points at a MongoDB replica set; empty runs the embedded FerretDB (TEIXIT_MONGODB_URI).
	MongoURI string
	// EmbeddedAddr is where the embedded store listens: loopback only (TEIXIT_EMBEDDED_ADDR). Default a free
	// port on 127.0.0.1.
	EmbeddedAddr string
	// Database is the database name (TEIXIT_MONGODB_DATABASE). Default "teixit".
	Database string
	// BaseURL is the public URL, used in links and to decide Secure cookies (TEIXIT_BASE_URL).
	BaseURL string
	// LogLevel is debug, info, warn or error (TEIXIT_LOG_LEVEL). Default info.
	LogLevel string
	// LogFormat is json or text (TEIXIT_LOG_FORMAT). Default json.
	LogFormat string
	// BodyLimit is the largest request body in bytes (TEIXIT_BODY_LIMIT). Default 1 MiB.
	BodyLimit int
	// UploadLimit is the largest multipart upload in bytes (TEIXIT_UPLOAD_LIMIT). Default 25 MiB; each kind of
	// upload has its own smaller limit.
	UploadLimit int
	// RTCUDPAddr and RTCUDPPort place the single UDP socket all WebRTC peers use (TEIXIT_RTC_UDP_ADDR,
	// TEIXIT_RTC_UDP_PORT; default all interfaces, port 50000; 0 picks a free port).
	RTCUDPAddr string
	RTCUDPPort int
	// PublicIP is the address peers reach behind 1:1 NAT (TEIXIT_PUBLIC_IP).
	PublicIP string
	// TURNPort is the embedded TURN relay's UDP port (TEIXIT_TURN_PORT, default 3478; -1 disables it).
	TURNPort int
	// TURNHost is the host name put in turn: URLs (TEIXIT_TURN_HOST; default the request's host).
	TURNHost string
	// LoginLimit is the number of login attempts per email per LoginWindow (TEIXIT_LOGIN_LIMIT, default 10);
	// each IP gets three times as many.
	LoginLimit  int
	LoginWindow time.Duration
	// RegisterLimit is the number of accounts one client address may try to create per hour
	// (TEIXIT_REGISTER_LIMIT, default 20: a facilitator setting residents up can do a group at once).
	RegisterLimit int
	// IndexWriteWait bounds how long a write waits for this node's search index to reflect it
	// (read-your-writes) before answering anyway (TEIXIT_INDEX_WRITE_WAIT). Default 2s.
	IndexWriteWait time.Duration
	// ShutdownTimeout bounds the graceful shutdown (TEIXIT_SHUTDOWN_TIMEOUT). Default 20s.
	ShutdownTimeout time.Duration
	// TrustedProxies are proxy IPs/CIDRs whose X-Forwarded-For is believed (TEIXIT_TRUSTED_PROXIES, comma list).
	TrustedProxies []string
	// Secret signs private links and TURN credentials (TEIXIT_SECRET). When empty, one is generated and kept
	// in DataDir/secret so that links survive restarts; several nodes must share one.
	Secret string
	// MapTiles is the map tile URL template with {z}, {x} and {y} (TEIXIT_MAP_TILES), e.g.
	// https://tile.openstreetmap.org/{z}/{x}/{y}.png. Empty: maps show boundaries and points on a plain
	// background. Its origin is added to the CSP's img-src.
	MapTiles string
	// MapAttribution is the credit shown on maps for the tiles (TEIXIT_MAP_ATTRIBUTION), plain text.
	MapAttribution string
	// PostgreSQLURL is the database `teixit ferretdb` keeps the shared store in (TEIXIT_POSTGRESQL_URL,
	// -postgresql-url), e.g. postgres://teixit:pass@127.0.0.1:5432/teixit.
	PostgreSQLURL string
	// S3 is the object store for media shared by several nodes; empty Endpoint keeps media in DataDir/media.
	S3 S3
	// FerretDBAddr is where `teixit ferretdb` listens (TEIXIT_FERRETDB_ADDR, -ferretdb-addr). Default
	// 127.0.0.1:27017.
	FerretDBAddr string
	// TranslateURL is an Apertium APY server that machine-translates user content (TEIXIT_TRANSLATE_URL),
	// e.g. http://127.0.0.1:2737. Empty: no machine translation, and the feature is hidden.
	TranslateURL string
	// TranslateTimeout bounds one request to the engine (TEIXIT_TRANSLATE_TIMEOUT, default 30s): a stalled
	// engine fails the job, which is retried later; readers keep reading the original meanwhile.
	TranslateTimeout time.Duration
	// SMTP is the mail server for email notices; empty Host sends no email (notices stay in-app).
	SMTP SMTP
	// InternalURL is where the other nodes reach this one (TEIXIT_INTERNAL_URL, e.g. http://10.0.0.5:8080):
	// a live day's room lives on one node and the others relay its WebSocket there. Empty: a single node.
	InternalURL string
	// LiveLease is how long a node holds a live day's room without renewing it (TEIXIT_LIVE_LEASE, default
	// 15s): when a node dies, another takes its days over after at most this long.
	LiveLease time.Duration
	// LiveOpensBefore is how long before an exchange day's start its live room opens
	// (TEIXIT_LIVE_OPENS_BEFORE, default 1h).
	LiveOpensBefore time.Duration
	// TURNAddr is the IP the embedded TURN relay binds (TEIXIT_TURN_ADDR; default all interfaces).
	TURNAddr string
}

// SMTP says how to send email (TEIXIT_SMTP_HOST, TEIXIT_SMTP_PORT (default 587), TEIXIT_SMTP_USERNAME,
// TEIXIT_SMTP_PASSWORD, TEIXIT_SMTP_FROM, TEIXIT_SMTP_TLS: starttls (default), opportunistic, tls or none).
type SMTP struct {
	Host, Username, Password, From, TLS string
	Port                                int
}

// S3 says where an S3-compatible bucket is (TEIXIT_S3_ENDPOINT, TEIXIT_S3_BUCKET, TEIXIT_S3_REGION,
// TEIXIT_S3_ACCESS_KEY, TEIXIT_S3_SECRET_KEY, TEIXIT_S3_PATH_STYLE).
type S3 struct {
	Endpoint, Bucket, Region, AccessKey, SecretKey string
	// PathStyle is "true" (bucket in the path: MinIO, versitygw), "false" (in the host name: AWS) or "" (auto).
	PathStyle string
}

// LogValue keeps the secret and the store URI's password out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("data_dir", c.DataDir),
		slog.Bool("embedded_store", c.MongoURI == ""), slog.String("database", c.Database),
		slog.String("base_url", c.BaseURL), slog.Int("body_limit", c.BodyLimit),
		slog.String("s3_endpoint", c.S3.Endpoint), slog.String("s3_bucket", c.S3.Bucket),
		slog.String("smtp_host", c.SMTP.Host))
}

// Load reads the environment and then args (flags) into a Config and validates it.
func Load(args []string, getenv func(string) string) (Config, error) {
	c := Config{
		Addr:           env(getenv, "TEIXIT_ADDR", ":8080"),
		DataDir:        env(getenv, "TEIXIT_DATA_DIR", "./data"),
		MongoURI:       getenv("TEIXIT_MONGODB_URI"),
		EmbeddedAddr:   getenv("TEIXIT_EMBEDDED_ADDR"),
		RTCUDPAddr:     getenv("TEIXIT_RTC_UDP_ADDR"),
		PublicIP:       getenv("TEIXIT_PUBLIC_IP"),
		TURNHost:       getenv("TEIXIT_TURN_HOST"),
		Database:       env(getenv, "TEIXIT_MONGODB_DATABASE", "teixit"),
		BaseURL:        strings.TrimSuffix(getenv("TEIXIT_BASE_URL"), "/"),
		LogLevel:       env(getenv, "TEIXIT_LOG_LEVEL", "info"),
		LogFormat:      env(getenv, "TEIXIT_LOG_FORMAT", "json"),
		Secret:         getenv("TEIXIT_SECRET"),
		MapTiles:       strings.TrimSpace(getenv("TEIXIT_MAP_TILES")),
		MapAttribution: strings.TrimSpace(getenv("TEIXIT_MAP_ATTRIBUTION")),
		PostgreSQLURL:  getenv("TEIXIT_POSTGRESQL_URL"),
		FerretDBAddr:   env(getenv, "TEIXIT_FERRETDB_ADDR", "127.0.0.1:27017"),
		TranslateURL:   strings.TrimSuffix(strings.TrimSpace(getenv("TEIXIT_TRANSLATE_URL")), "/"),
		S3: S3{Endpoint: strings.TrimSuffix(getenv("TEIXIT_S3_ENDPOINT"), "/"), Bucket: getenv("TEIXIT_S3_BUCKET"),
			Region: getenv("TEIXIT_S3_REGION"), AccessKey: getenv("TEIXIT_S3_ACCESS_KEY"),
			SecretKey: getenv("TEIXIT_S3_SECRET_KEY"), PathStyle: getenv("TEIXIT_S3_PATH_STYLE")},
		SMTP: SMTP{Host: strings.TrimSpace(getenv("TEIXIT_SMTP_HOST")), Username: getenv("TEIXIT_SMTP_USERNAME"),
			Password: getenv("TEIXIT_SMTP_PASSWORD"), From: strings.TrimSpace(getenv("TEIXIT_SMTP_FROM")),
			TLS: env(getenv, "TEIXIT_SMTP_TLS", "starttls")},
		LoginWindow:     15 * time.Minute,
		ShutdownTimeout: 20 * time.Second,
		IndexWriteWait:  2 * time.Second,
	}
	c.InternalURL = strings.TrimSuffix(getenv("TEIXIT_INTERNAL_URL"), "/")
	c.LiveLease, c.TURNAddr, c.LiveOpensBefore = 15*time.Second, getenv("TEIXIT_TURN_ADDR"), time.Hour
	c.TranslateTimeout = 30 * time.Second
	var errs []error
	c.BodyLimit = envInt(getenv, "TEIXIT_BODY_LIMIT", 1<<20, &errs)
	c.LoginLimit = envInt(getenv, "TEIXIT_LOGIN_LIMIT", 10, &errs)
	c.RegisterLimit = envInt(getenv, "TEIXIT_REGISTER_LIMIT", 20, &errs)
	c.UploadLimit = envInt(getenv, "TEIXIT_UPLOAD_LIMIT", 25<<20, &errs)
	c.RTCUDPPort = envInt(getenv, "TEIXIT_RTC_UDP_PORT", 50000, &errs)
	c.TURNPort = envInt(getenv, "TEIXIT_TURN_PORT", 3478, &errs)
	c.SMTP.Port = envInt(getenv, "TEIXIT_SMTP_PORT", 587, &errs)
	if v := getenv("TEIXIT_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("TEIXIT_SHUTDOWN_TIMEOUT: %q is not a duration like 20s", v))
		}
		c.ShutdownTimeout = d
	}
	if v := getenv("TEIXIT_INDEX_WRITE_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("TEIXIT_INDEX_WRITE_WAIT: %q is not a positive duration like 2s", v))
		}
		c.IndexWriteWait = d
	}
	if v := getenv("TEIXIT_LIVE_OPENS_BEFORE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("TEIXIT_LIVE_OPENS_BEFORE: %q is not a positive duration like 1h or 30m", v))
		}
		c.LiveOpensBefore = d
	}
	if v := getenv("TEIXIT_LIVE_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			errs = append(errs, fmt.Errorf("TEIXIT_LIVE_LEASE: %q is not a duration of at least 1s like 15s", v))
		}
		c.LiveLease = d
	}
	if v := getenv("TEIXIT_TRANSLATE_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			errs = append(errs, fmt.Errorf("TEIXIT_TRANSLATE_TIMEOUT: %q is not a duration of at least 1s like 30s", v))
		}
		c.TranslateTimeout = d
	}
	if v := getenv("TEIXIT_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
	}
	fs := flag.NewFlagSet("teixit", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address (TEIXIT_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data folder (TEIXIT_DATA_DIR)")
	fs.StringVar(&c.MongoURI, "mongodb-uri", c.MongoURI, "MongoDB URI; empty runs the embedded store (TEIXIT_MONGODB_URI)")
	fs.StringVar(&c.PostgreSQLURL, "postgresql-url", c.PostgreSQLURL, "PostgreSQL URL for `teixit ferretdb` (TEIXIT_POSTGRESQL_URL)")
	fs.StringVar(&c.FerretDBAddr, "ferretdb-addr", c.FerretDBAddr, "where `teixit ferretdb` listens (TEIXIT_FERRETDB_ADDR)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (TEIXIT_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if len(errs) > 0 {
		return c, errors.Join(errs...)
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("TEIXIT_ADDR: %q is not host:port (e.g. :8080 or 127.0.0.1:8080)", c.Addr))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("TEIXIT_DATA_DIR must not be empty"))
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		errs = append(errs, errors.New("TEIXIT_MONGODB_URI must start with mongodb:// or mongodb+srv://"))
	}
	if c.EmbeddedAddr != "" {
		host, _, err := net.SplitHostPort(c.EmbeddedAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			errs = append(errs, fmt.Errorf("TEIXIT_EMBEDDED_ADDR: %q must be a loopback host:port such as 127.0.0.1:27017", c.EmbeddedAddr))
		}
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		errs = append(errs, fmt.Errorf("TEIXIT_BASE_URL: %q must start with http:// or https://", c.BaseURL))
	}
	if c.SMTP.Host != "" {
		if !strings.Contains(c.SMTP.From, "@") {
			errs = append(errs, errors.New("TEIXIT_SMTP_FROM must be the sender's address (e.g. Teixit <noreply@example.org>) when TEIXIT_SMTP_HOST is set"))
		}
		switch c.SMTP.TLS {
		case "starttls", "opportunistic", "tls", "none":
		default:
			errs = append(errs, fmt.Errorf("TEIXIT_SMTP_TLS: %q must be starttls, opportunistic, tls or none", c.SMTP.TLS))
		}
		if c.SMTP.Port <= 0 || c.SMTP.Port > 65535 {
			errs = append(errs, fmt.Errorf("TEIXIT_SMTP_PORT: %d is not a port", c.SMTP.Port))
		}
	}
	if c.InternalURL != "" {
		u, err := url.Parse(c.InternalURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("TEIXIT_INTERNAL_URL: %q must be an http:// or https:// URL other nodes can reach", c.InternalURL))
		}
	}
	if c.TURNAddr != "" && net.ParseIP(c.TURNAddr) == nil {
		errs = append(errs, fmt.Errorf("TEIXIT_TURN_ADDR: %q is not an IP address", c.TURNAddr))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("TEIXIT_LOG_LEVEL: %q must be debug, info, warn or error", c.LogLevel))
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		errs = append(errs, fmt.Errorf("TEIXIT_LOG_FORMAT: %q must be json or text", c.LogFormat))
	}
	if c.BodyLimit < 1024 {
		errs = append(errs, errors.New("TEIXIT_BODY_LIMIT must be at least 1024 bytes"))
	}
	if c.UploadLimit < c.BodyLimit {
		errs = append(errs, errors.New("TEIXIT_UPLOAD_LIMIT must be at least TEIXIT_BODY_LIMIT"))
	}
	if c.RTCUDPPort < 0 || c.RTCUDPPort > 65535 {
		errs = append(errs, errors.New("TEIXIT_RTC_UDP_PORT must be a port number (0 picks a free one)"))
	}
	if c.TURNPort < -1 || c.TURNPort > 65535 {
		errs = append(errs, errors.New("TEIXIT_TURN_PORT must be a port number, or -1 to disable the relay"))
	}
	if c.PublicIP != "" && net.ParseIP(c.PublicIP) == nil {
		errs = append(errs, fmt.Errorf("TEIXIT_PUBLIC_IP: %q is not an IP address", c.PublicIP))
	}
	if c.TranslateURL != "" && !strings.HasPrefix(c.TranslateURL, "http://") && !strings.HasPrefix(c.TranslateURL, "https://") {
		errs = append(errs, fmt.Errorf("TEIXIT_TRANSLATE_URL: %q must start with http:// or https://", c.TranslateURL))
	}
	if c.LoginLimit < 1 {
		errs = append(errs, errors.New("TEIXIT_LOGIN_LIMIT must be at least 1"))
	}
	if c.RegisterLimit < 1 {
		errs = append(errs, errors.New("TEIXIT_REGISTER_LIMIT must be at least 1"))
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			errs = append(errs, fmt.Errorf("TEIXIT_TRUSTED_PROXIES: %q is not an IP address or CIDR range", p))
		}
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		errs = append(errs, errors.New("TEIXIT_SECRET must be at least 32 characters"))
	}
	if _, _, err := net.SplitHostPort(c.FerretDBAddr); err != nil {
		errs = append(errs, fmt.Errorf("TEIXIT_FERRETDB_ADDR: %q is not host:port (e.g. 127.0.0.1:27017)", c.FerretDBAddr))
	}
	if c.S3.Endpoint != "" {
		if u, err := url.Parse(c.S3.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("TEIXIT_S3_ENDPOINT: %q must be an http(s) URL such as https://s3.eu-west-1.amazonaws.com", c.S3.Endpoint))
		}
		if c.S3.Bucket == "" || c.S3.AccessKey == "" || c.S3.SecretKey == "" {
			errs = append(errs, errors.New("TEIXIT_S3_ENDPOINT needs TEIXIT_S3_BUCKET, TEIXIT_S3_ACCESS_KEY and TEIXIT_S3_SECRET_KEY"))
		}
	}
	switch c.S3.PathStyle {
	case "", "true", "false":
	default:
		errs = append(errs, fmt.Errorf("TEIXIT_S3_PATH_STYLE: %q must be true, false or empty (automatic)", c.S3.PathStyle))
	}
	if c.MapTiles != "" && MapTilesOrigin(c.MapTiles) == "" {
		errs = append(errs, fmt.Errorf("TEIXIT_MAP_TILES: %q must be an http(s) URL with {z}, {x} and {y}", c.MapTiles))
	}
	return errors.Join(errs...)
}

// MapTilesOrigin is the scheme and host of a tile URL template (for the CSP), or "" when the template is
// not an http(s) URL holding {z}, {x} and {y}.
func MapTilesOrigin(tmpl string) string {
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tmpl, p) {
			return ""
		}
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0", "{s}", "a", "{r}", "").Replace(tmpl))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(u.Host, " ;'") {
		return ""
	}
	host := u.Host
	if strings.Contains(tmpl, "{s}.") {
		host = "*." + strings.SplitN(host, ".", 2)[1]
	}
	return u.Scheme + "://" + host
}

// SecureCookies reports whether cookies must be marked Secure (the public URL is https).
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// EnsureSecret fills Secret from DataDir/secret, creating that file with a random value the first time.
func (c *Config) EnsureSecret() error {
	if c.Secret != "" {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		c.Secret = strings.TrimSpace(string(b))
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	c.Secret = hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(c.Secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("config: write secret: %w", err)
	}
	return nil
}

func env(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(getenv func(string) string, key string, def int, errs *[]error) int {
	v := getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %q is not a whole number", key, v))
		return def
	}
	return n
}
