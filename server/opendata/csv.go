// Package opendata writes Teixit's open-data files the way their readers open them: CSV in UTF-8 with a
// byte-order mark (so a spreadsheet reads accents right), a header row, and no cell a spreadsheet would run
// as a formula. Every CSV export (diagnoses, evaluations, networks, practices) goes through it, and every
// open-data download (CSV, JSON, GeoJSON) is sent by Send with its type and a file name.
package opendata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CSV is an open-data table being written.
type CSV struct {
	buf bytes.Buffer
	w   *csv.Writer
}

// NewCSV starts a table with its byte-order mark and header row.
func NewCSV(header ...string) *CSV {
	c := &CSV{}
	c.buf.WriteString("\ufeff")
	c.w = csv.NewWriter(&c.buf)
	c.Row(header...)
	return c
}

// Row adds one row; every cell goes through Cell.
func (c *CSV) Row(cells ...string) {
	out := make([]string, len(cells))
	for i, s := range cells {
		out[i] = Cell(s)
	}
	_ = c.w.Write(out) // writes to memory: cannot fail
}

// Bytes ends the table and returns it.
func (c *CSV) Bytes() []byte {
	c.w.Flush()
	return c.buf.Bytes()
}

// Cell neutralises a cell a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
// return) by prefixing an apostrophe; numbers, negative ones included, stay numbers.
func Cell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// The open-data formats' content types.
const (
	TypeCSV     = "text/csv; charset=utf-8"
	TypeJSON    = fiber.MIMEApplicationJSONCharsetUTF8
	TypeGeoJSON = "application/geo+json"
)

// SendJSON answers c with v encoded as a JSON file to download.
func SendJSON(c *fiber.Ctx, filename string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return Send(c, filename, TypeJSON, b)
}

// Send answers c with an open-data file to download: its content type and an attachment file name.
func Send(c *fiber.Ctx, filename, contentType string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+strings.ReplaceAll(filename, `"`, "")+`"`)
	return c.Send(body)
}
