package search

import (
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// dvFlags are added to every doc-valued field (keywords, dates, numbers).
// By default zap stores doc values snappy-compressed in chunks of ~1,000
// documents, so a list or facet touching a few documents per chunk
// decompresses whole chunks for each field: profiling showed snappy taking
// half the CPU of list queries. Uncompressed, unchunked doc values make each
// visit a direct read; the cost is disk space on small keyword values. The
// mapping cannot express these flags, hence the rewrite after mapping.
var dvFlags = index.SkipDVCompression | index.SkipDVChunking

// mapDoc maps a normalised Document through the index mapping and adds
// dvFlags to its doc-valued fields, ready for Batch.IndexAdvanced.
func mapDoc(m mapping.IndexMapping, d *Document) (*document.Document, error) {
	p, err := project(d)
	if err != nil {
		return nil, err
	}
	doc := document.NewDocument(d.ID)
	if err := m.MapDocument(doc, p); err != nil {
		return nil, err
	}
	for i, f := range doc.Fields {
		opts := f.Options()
		if !opts.IncludeDocValues() || opts&dvFlags == dvFlags {
			continue
		}
		opts |= dvFlags
		switch tf := f.(type) {
		case *document.TextField:
			if opts.IncludeTermVectors() {
				continue // long text: never doc-valued in our mapping
			}
			doc.Fields[i] = document.NewTextFieldCustom(tf.Name(), tf.ArrayPositions(), tf.Value(), opts, tf.Analyzer())
		case *document.NumericField:
			if n, err := tf.Number(); err == nil {
				doc.Fields[i] = document.NewNumericFieldWithIndexingOptions(tf.Name(), tf.ArrayPositions(), n, opts)
			}
		case *document.DateTimeField:
			if t, layout, err := tf.DateTime(); err == nil {
				if nf, err := document.NewDateTimeFieldWithIndexingOptions(tf.Name(), tf.ArrayPositions(), t, layout, opts); err == nil {
					doc.Fields[i] = nf
				}
			}
		}
	}
	return doc, nil
}
