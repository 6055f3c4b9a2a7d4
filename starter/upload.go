package starter

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"osb/export"
)

// FileUpload is a file sent as JSON, its content in base64.
type FileUpload struct {
	FileName string `json:"file_name"`
	Content  []byte `json:"content"`
}

// readImportFile reads the file of an import (master data sheets, the
// working calendar): the "file" part of a multipart form, a FileUpload as
// JSON, or the body itself (CSV unless its Content-Type is XLSX's). A file
// over MaxSheetBytes is refused with 413, an empty or missing one names the
// field.
func readImportFile(r *http.Request) (name string, data []byte, err error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var body io.Reader = r.Body
	switch mt {
	case "application/json":
		var up FileUpload
		if err := decode(r, &up); err != nil {
			return "", nil, err
		}
		name, data = up.FileName, up.Content
		body = nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return "", nil, decodeError(err)
			}
			return "", nil, malformed("the form could not be read: %v", err)
		}
		defer r.MultipartForm.RemoveAll()
		f, h, err := r.FormFile("file")
		if errors.Is(err, http.ErrMissingFile) {
			return "", nil, malformedField("file", "choose the file (CSV or XLSX)", "no file was sent")
		}
		if err != nil {
			return "", nil, malformedField("file", "could not be read", "the file could not be read: %v", err)
		}
		defer f.Close()
		name, body = h.Filename, f
	case export.XLSXType:
		name = "upload.xlsx"
	default:
		name = "upload.csv"
	}
	if body != nil {
		if data, err = io.ReadAll(io.LimitReader(body, MaxSheetBytes+1)); err != nil {
			return "", nil, decodeError(err)
		}
	}
	switch {
	case len(data) == 0:
		return "", nil, malformedField("file", "choose the file (CSV or XLSX): it is empty", "no file was sent, or it is empty")
	case len(data) > MaxSheetBytes:
		return "", nil, withStatus(http.StatusRequestEntityTooLarge, "the file is larger than %d MiB", MaxSheetBytes>>20)
	}
	return name, data, nil
}
