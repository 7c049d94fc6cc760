// Package app wires Teixit together: it opens the store, runs migrations, builds each domain's service and
// handlers, and mounts them on one Fiber app through the route table in routes.go. Two Apps can live in one
// process (tests do this): nothing here is global.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/teixit/teixit/media/blob"
	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/audit"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/live"
	"github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/recording"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/territory"
	"github.com/teixit/teixit/server/translation"
)

// App is one running Teixit server.
type App struct {
	Config config.Config
	Log    *slog.Logger
	Store  *store.Store
	Fiber  *fiber.App

	Accounts      *account.Service
	Organisations *organisation.Service
	Territories   *territory.Service
	ReadModel     *readmodel.ReadModel
	Practices     *practice.Service
	Comments      *comment.Service
	Notify        *notify.Service
	Media         *mediafile.Service
	Exchange      *exchange.Service
	Live          *live.Service
	Diagnoses     *diagnosis.Service
	Recordings    *recording.Service
	Translations  *translation.Service
	Network       *network.Service
	Evaluations   *evaluation.Service
	// Mail queues email in the store and sends it from a background pass (nothing when no SMTP is set).
	Mail *mail.Service
	// Audit is the log of sensitive actions (server/audit).
	Audit *audit.Log
	// Limits are the rate limits, kept in the store so that restarts and every node share them.
	Limits *auth.Limits

	proxies   *httpx.TrustedProxies
	lock      *os.File
	registry  *prometheus.Registry
	ownsStore bool
	routes    []route
	stopJobs  context.CancelFunc
	blobs     blob.Store

	passwordCost account.PasswordCost
}

// Deps are what New can be handed instead of building them (tests share one embedded store this way).
type Deps struct {
	Log *slog.Logger
	// Store, when set, is used as is and not closed by Shutdown.
	Store *store.Store
	// PasswordCost of new password hashes; zero is account.DefaultPasswordCost (tests lower it).
	PasswordCost account.PasswordCost
}

// New opens the store (unless given), migrates it and builds the HTTP app.
func New(ctx context.Context, cfg config.Config, d Deps) (*App, error) {
	a := &App{Config: cfg, Log: d.Log, Store: d.Store, passwordCost: d.PasswordCost}
	if a.Log == nil {
		a.Log = slog.Default()
	}
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a.lock = lock
	if a.proxies, err = httpx.ParseTrustedProxies(cfg.TrustedProxies); err != nil {
		a.unlock()
		return nil, err
	}
	if err := a.Config.EnsureSecret(); err != nil {
		a.unlock()
		return nil, err
	}
	if a.Store == nil {
		st, err := store.Open(ctx, store.Options{URI: cfg.MongoURI, Database: cfg.Database, DataDir: cfg.DataDir,
			EmbeddedAddr: cfg.EmbeddedAddr, Logger: a.Log})
		if err != nil {
			a.unlock()
			return nil, err
		}
		a.Store, a.ownsStore = st, true
	}
	if err := a.Store.Migrate(ctx, Migrations()); err != nil {
		a.closeStore(ctx)
		return nil, err
	}
	if cfg.InternalURL != "" { // one of several nodes: they must share the secret
		if err := checkSharedSecret(ctx, a.Store, a.Config.Secret); err != nil {
			a.closeStore(ctx)
			return nil, err
		}
	}
	rm, err := readmodel.Open(a.Store, readmodel.Options{Dir: filepath.Join(cfg.DataDir, "index"), WriteWait: cfg.IndexWriteWait, Logger: a.Log})
	if err != nil {
		a.closeStore(ctx)
		return nil, err
	}
	a.ReadModel = rm
	blobs, err := openBlobs(ctx, cfg)
	if err != nil {
		_ = rm.Close()
		a.closeStore(ctx)
		return nil, err
	}
	a.blobs = blobs
	a.Mail = mail.New(mail.Deps{Store: a.Store, Log: a.Log, Settings: mail.Settings{Host: cfg.SMTP.Host,
		Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, From: cfg.SMTP.From, TLS: cfg.SMTP.TLS}})
	a.Limits = auth.NewLimits(a.Store)
	a.Media = mediafile.NewService(mediafile.NewStore(a.Store), blobs, a.Config.Secret, a.Limits)
	a.build()
	if err := a.buildTranslations(); err != nil {
		_ = rm.Close()
		a.closeStore(ctx)
		return nil, err
	}
	a.Live, err = live.New(live.Config{UDPAddr: cfg.RTCUDPAddr, UDPPort: cfg.RTCUDPPort, PublicIP: cfg.PublicIP,
		TURNPort: cfg.TURNPort, TURNHost: cfg.TURNHost, Secret: a.Config.Secret, BaseURL: cfg.BaseURL, Logger: a.Log,
		RecordingsDir: filepath.Join(cfg.DataDir, "recordings"), Store: a.Store, InternalURL: cfg.InternalURL,
		Lease: cfg.LiveLease, ListenTURN: cfg.TURNAddr, OpensBefore: cfg.LiveOpensBefore,
		Rapporteurs: a.Recordings, RecordingSeed: a.Recordings.Stored, SegmentsClosed: a.Recordings.Kick}, liveRooms{a.Exchange, a.Evaluations})
	if err != nil {
		_ = rm.Close()
		a.closeStore(ctx)
		return nil, fmt.Errorf("live sessions: %w", err)
	}
	a.registry.MustRegister(a.Live.Collectors()...)
	a.registry.MustRegister(a.ReadModel.Collectors()...)
	a.registry.MustRegister(a.Organisations.Collectors()...)
	a.mountRoutes()
	if err := a.ReadModel.Start(ctx); err != nil {
		_ = a.ReadModel.Close()
		a.closeStore(ctx)
		return nil, err
	}
	jobs, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stopJobs = stop
	a.startRecordingJobs(jobs)
	go a.Mail.Run(jobs, 15*time.Second)
	a.startTranslationJobs(jobs)
	go store.Every(jobs, 10*time.Minute, a.Log, "pruning rate limits", func(ctx context.Context) error {
		_, err := a.Limits.Prune(ctx)
		return err
	})
	go store.Every(jobs, 6*time.Hour, a.Log, "pruning the audit log", func(ctx context.Context) error {
		_, err := a.Audit.Prune(ctx)
		return err
	})
	go a.Notify.Run(jobs, 15*time.Second)
	go func() {
		if err := a.Organisations.Warm(jobs); err != nil && jobs.Err() == nil {
			a.Log.Warn("keeping organisations in memory", "err", err)
		}
	}()
	return a, nil
}

// openBlobs opens where media bytes live: the S3 bucket when TEIXIT_S3_ENDPOINT is set (checked writable at
// start), else DataDir/media.
func openBlobs(ctx context.Context, cfg config.Config) (blob.Store, error) {
	if cfg.S3.Endpoint == "" {
		return blob.NewFS(filepath.Join(cfg.DataDir, "media"))
	}
	return blob.NewS3(ctx, blob.S3Config{Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket, Region: cfg.S3.Region,
		AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, PathStyle: cfg.S3.PathStyle,
		TmpDir: filepath.Join(cfg.DataDir, "media-tmp")})
}

// OpenBlobs opens the file store the configuration names, as a node does (teixit doctor checks it).
func OpenBlobs(ctx context.Context, cfg config.Config) (blob.Store, error) {
	return openBlobs(ctx, cfg)
}

// Migrations is the ordered list of every migration. Add new ones at the end.
func Migrations() []store.Migration {
	var ms []store.Migration
	ms = append(ms, account.Migrations()...)
	ms = append(ms, audit.Migrations()...)
	ms = append(ms, organisation.Migrations()...)
	ms = append(ms, territory.Migrations()...)
	ms = append(ms, readmodel.Migrations()...)
	ms = append(ms, notify.Migrations()...)
	ms = append(ms, practice.Migrations()...)
	ms = append(ms, comment.Migrations()...)
	ms = append(ms, mediafile.Migrations()...)
	ms = append(ms, exchange.Migrations()...)
	ms = append(ms, diagnosis.Migrations()...)
	ms = append(ms, recording.Migrations()...)
	ms = append(ms, network.Migrations()...)
	ms = append(ms, evaluation.Migrations()...)
	ms = append(ms, mail.Migrations()...)
	ms = append(ms, auth.Migrations()...)
	return ms
}

func (a *App) build() {
	a.Accounts = account.NewService(account.NewStore(a.Store, a.ReadModel), account.Deps{Hooks: a.accountHooks,
		Memberships: staffOf{a}, ResetMail: account.ResetMail{Mail: a.Mail, BaseURL: a.Config.BaseURL}, PasswordCost: a.passwordCost})
	// Nothing indexed: changes to people's accounts and sessions reach every node's principal cache this way.
	a.ReadModel.Register(account.ChangeKind, readmodel.Kind{Load: a.Accounts.Load, All: account.NoRecords})
	a.Notify = notify.NewService(notify.Deps{Store: notify.NewStore(a.Store), Checkers: a.followCheckers(), Logger: a.Log,
		Email: notify.EmailDeps{Mail: a.Mail, People: contacts{a.Accounts}, BaseURL: a.Config.BaseURL, Secret: a.Config.Secret}})
	a.Organisations = organisation.NewService(organisation.Deps{Store: organisation.NewStore(a.Store), People: accountPeople{a.Accounts},
		ReadModel: a.ReadModel, Notify: a.Notify, Mail: a.Mail, BaseURL: a.Config.BaseURL})
	a.ReadModel.Register(organisation.IndexKind, readmodel.Kind{Load: a.Organisations.Load,
		All: a.Organisations.All, Stream: a.Organisations.Stream, Count: a.Organisations.Count, Link: organisation.Link})
	a.Audit = audit.New(a.Store)
	a.Territories = territory.NewService(territory.NewStore(a.Store), a.Organisations)
	a.Exchange = exchange.NewService(exchange.NewStore(a.Store), a.Organisations, a.ReadModel, a.Notify, a.Limits)
	a.ReadModel.Register(exchange.IndexKind, readmodel.Kind{Load: a.Exchange.Load, All: a.Exchange.All,
		Stream: a.Exchange.Stream, Count: a.Exchange.Count, Link: exchange.Link})
	a.buildPractices()
	a.buildDiagnoses()
	a.buildRecordings()
	a.buildNetwork()
	a.buildEvaluations()

	a.registry = prometheus.NewRegistry()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(a.registry)

	fc := fiber.Config{
		AppName:               "teixit",
		Immutable:             true,
		BodyLimit:             a.Config.UploadLimit,
		ErrorHandler:          httpx.ErrorHandler(a.Log, accountLanguage),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Route parameters are percent-decoded once, before routing: /media/abc%2Dd is /media/abc-d, and
		// no handler decodes again.
		UnescapePath: true,
	}
	// Fiber trusts X-Forwarded-Proto only from the trusted proxies (c.Protocol, Secure cookies). No
	// ProxyHeader: c.IP() stays the TCP peer, and the client address is httpx.IP (rightmost untrusted hop).
	fc.EnableTrustedProxyCheck = true
	fc.TrustedProxies = a.Config.TrustedProxies
	a.Fiber = fiber.New(fc)
	a.Fiber.Use(requestid.New())
	a.Fiber.Use(httpx.ClientIPMiddleware(a.proxies))
	a.Fiber.Use(httpx.AccessLog(a.Log, metrics))
	a.Fiber.Use(recover.New())
	// gzip/brotli for text: most of our users are on slow connections and prepaid data.
	a.Fiber.Use(compress.New(compress.Config{Level: compress.LevelDefault}))
	a.Fiber.Use(httpx.SecurityHeaders(httpx.DefaultCSP(a.cspImageSources()...)))
}

// accountHooks are the domains that export and delete a person's data with their account, in this order.
func (a *App) accountHooks() []account.Hook {
	return []account.Hook{a.Organisations, a.Exchange, a.Notify, a.Practices, a.Comments, a.Diagnoses, a.Recordings, a.Evaluations}
}

// staffOf gives principals the organisations whose staff a person is (organisations are built after accounts).
type staffOf struct{ a *App }

func (s staffOf) MembershipsOf(ctx context.Context, userID string, orgIDs []string) ([]account.MembershipRef, error) {
	return s.a.Organisations.MembershipsOf(ctx, userID, orgIDs)
}

// accountPeople adapts the account service to what organisations need.
type accountPeople struct{ s *account.Service }

func (p accountPeople) UserIDByEmail(ctx context.Context, email string) (string, error) {
	return p.s.UserIDByEmail(ctx, email)
}
func (p accountPeople) AddOrg(ctx context.Context, userID, orgID string) error {
	return p.s.Store().AddOrg(ctx, userID, orgID)
}
func (p accountPeople) RemoveOrg(ctx context.Context, userID, orgID string) error {
	return p.s.Store().RemoveOrg(ctx, userID, orgID)
}
func (p accountPeople) RoleChanging(ctx context.Context, userID string, write func() error) error {
	return p.s.Store().RoleChanging(ctx, userID, write)
}
func (p accountPeople) Profiles(ctx context.Context, ids []string) (map[string]account.Profile, error) {
	return p.s.Store().Profiles(ctx, ids)
}

// Serve answers HTTP on ln until Shutdown.
func (a *App) Serve(ln net.Listener) error {
	return a.Fiber.Listener(ln)
}

// Shutdown stops accepting connections, lets in-flight requests finish (bounded by ctx), then closes the
// store if this App opened it.
func (a *App) Shutdown(ctx context.Context) error {
	err := a.Fiber.ShutdownWithContext(ctx)
	if a.stopJobs != nil {
		a.stopJobs()
	}
	if a.Live != nil {
		if cerr := a.Live.Close(); cerr != nil {
			a.Log.Error("closing live sessions", "err", cerr)
		}
	}
	if a.ReadModel != nil {
		if cerr := a.ReadModel.Close(); cerr != nil {
			a.Log.Error("closing the search index", "err", cerr)
		}
	}
	a.closeStore(ctx)
	return err
}

func (a *App) unlock() {
	if a.lock != nil {
		_ = a.lock.Close()
		a.lock = nil
	}
}

func (a *App) closeStore(ctx context.Context) {
	defer a.unlock()
	if a.ownsStore && a.Store != nil {
		if err := a.Store.Close(context.WithoutCancel(ctx)); err != nil {
			a.Log.Error("closing store", "err", err)
		}
	}
}

// Ready reports whether the app can serve: the store answers.
func (a *App) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := a.Store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := a.ReadModel.Ready(); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if c, ok := a.blobs.(interface{ Check(context.Context) error }); ok {
		if err := c.Check(ctx); err != nil {
			return fmt.Errorf("media: %w", err)
		}
	}
	if a.Live != nil {
		if err := a.Live.InternalURLReachable(); err != nil {
			return err
		}
	}
	return nil
}

// buildDiagnoses wires participatory diagnoses: their service, four read-model kinds and the data-rights hook.
func (a *App) buildDiagnoses() {
	a.Diagnoses = diagnosis.NewService(diagnosis.NewStore(a.Store), a.Organisations, a.Territories, a.ReadModel,
		diagnosis.Options{Media: a.Media, Transfers: practiceTransfers{a}, Limits: a.Limits, Notify: a.Notify})
	for kind, load := range map[string]search.Loader{diagnosis.KindDiagnosis: a.Diagnoses.LoadDiagnoses,
		diagnosis.KindContribution: a.Diagnoses.LoadContributions, diagnosis.KindFinding: a.Diagnoses.LoadFindings,
		diagnosis.KindAction: a.Diagnoses.LoadActions} {
		k := readmodel.Kind{Load: load, All: a.Diagnoses.AllOf(kind), Count: a.Diagnoses.CountOf(kind), Link: diagnosis.Link(kind)}
		if kind == diagnosis.KindContribution { // the big one: rebuild it in one scan
			k.Stream = a.Diagnoses.StreamContributions
		}
		a.ReadModel.Register(kind, k)
	}
}

// accountLanguage is the signed-in person's language, for error messages of requests without Accept-Language.
func accountLanguage(c *fiber.Ctx) string {
	if p := auth.From(c); p != nil {
		return p.Language
	}
	return ""
}
