package app

import (
	"context"
	"fmt"
	"os"

	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/recording"
	"github.com/teixit/teixit/server/translation"
)

// translatable are the kinds of user content read in other languages. Adding one (evaluation reports) is one
// line: its read-model kind, whether its title is only an excerpt of its body, and who may correct its
// translations when that is not the record's organisation's staff (for an evaluation, its lead organisation).
func (a *App) translatable() []translation.Kind {
	return []translation.Kind{
		// a practice's translation is written section by section on its own page (PUT /practices/:id/translations/:lang)
		{Name: practice.IndexKind, CorrectAt: func(id, lang string) string { return "/practices/" + id + "/translations/" + lang }},
		{Name: diagnosis.KindDiagnosis},
		{Name: diagnosis.KindContribution, TitleFromBody: true, Editors: a.Diagnoses.WroteContribution},
		{Name: diagnosis.KindFinding},
		{Name: diagnosis.KindAction},
		{Name: comment.IndexKind, TitleFromBody: true, Editors: a.Comments.Wrote},
		{Name: exchange.IndexKind},
		{Name: recording.SummaryKind},
		{Name: evaluation.KindEvaluation},
		{Name: evaluation.KindMeasure},
		{Name: evaluation.KindPoint, TitleFromBody: true},
		{Name: evaluation.KindReport},
	}
}

// buildTranslations wires machine translation after every read-model kind is registered: each translatable
// kind's loader is wrapped (so changes reach the translation queue) and translations get a read-model kind.
func (a *App) buildTranslations() error {
	var eng *translation.Engine
	if a.Config.TranslateURL != "" {
		var err error
		if eng, err = translation.NewEngine(a.Config.TranslateURL, a.Config.TranslateTimeout); err != nil {
			return err
		}
	}
	host, _ := os.Hostname()
	a.Translations = translation.New(translation.Deps{Store: a.Store, Engine: eng, ReadModel: a.ReadModel,
		Roles: a.Organisations, Render: practice.RenderMarkdown, Reader: readmodel.ReaderFor,
		Node: fmt.Sprintf("%s-%d", host, os.Getpid()), Logger: a.Log})
	for _, k := range a.translatable() {
		rk, ok := a.ReadModel.Registered(k.Name)
		if !ok {
			return fmt.Errorf("translation: kind %q is not in the read model", k.Name)
		}
		k.Link = rk.Link
		rk.Load = a.Translations.Register(k, rk.Load)
		a.ReadModel.Register(k.Name, rk)
	}
	a.ReadModel.Register(translation.IndexKind, readmodel.Kind{Load: a.Translations.Load, All: a.Translations.All,
		Link: a.Translations.Link})
	return nil
}

// startTranslationJobs runs this node's translation queue worker until shutdown.
func (a *App) startTranslationJobs(ctx context.Context) {
	go a.Translations.Run(ctx)
}
