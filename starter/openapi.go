package starter

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// openAPIFiles holds the OpenAPI 3.0 document: base.json plus one fragment
// per area of the API ({"paths": …, "components": {"schemas": …}}), merged
// once at start.
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

// openAPI describes every route, request and response of the API.
var openAPI = mustMergeOpenAPI(openAPIFiles)

func mustMergeOpenAPI(fsys fs.FS) []byte {
	b, err := mergeOpenAPI(fsys)
	if err != nil {
		panic(err)
	}
	return b
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	var doc map[string]any
	if err := readJSON(fsys, "openapi/base.json", &doc); err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "openapi/base.json" {
			continue
		}
		var frag map[string]any
		if err := readJSON(fsys, name, &frag); err != nil {
			return nil, err
		}
		mergeInto(doc, "paths", frag)
		if comps, ok := frag["components"].(map[string]any); ok {
			base, _ := doc["components"].(map[string]any)
			if base == nil {
				base = map[string]any{}
				doc["components"] = base
			}
			mergeInto(base, "schemas", comps)
		}
	}
	return json.Marshal(doc)
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// mergeInto adds the entries of src[key] to dst[key].
func mergeInto(dst map[string]any, key string, src map[string]any) {
	add, _ := src[key].(map[string]any)
	if len(add) == 0 {
		return
	}
	into, _ := dst[key].(map[string]any)
	if into == nil {
		into = map[string]any{}
		dst[key] = into
	}
	for k, v := range add {
		into[k] = v
	}
}

// serveOpenAPI serves the OpenAPI 3.0 document.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
