// Package schema holds OSB's numbered SQL migrations, applied in order by goose.
package schema

import "embed"

// FS holds every migration file, named <version>_<what>.sql with goose Up and Down sections.
//
//go:embed *.sql
var FS embed.FS
