package bankfile

import (
	"bytes"
	"strings"
)

// Rows reads the cells of a table file as text, the way Parse reads a
// statement: XLSX (its first sheet, cells as stored) when it is a zip or
// named .xlsx, otherwise CSV in UTF-8 or GBK, separated by commas or tabs.
// workbook says which it was. A file it cannot read is refused with an
// invalid *sales.Error on the field "file". Other imports (the working
// calendar) read their files with it.
func Rows(name string, data []byte) (rows [][]string, workbook bool, err error) {
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(lower, ".xlsx"):
		rows, err = xlsxRows(data)
		return rows, true, err
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) || strings.HasSuffix(lower, ".xls"):
		return nil, false, refuse("an .xls file (Excel 97–2003) cannot be read: save it as XLSX or CSV")
	}
	rows, err = csvRows(data)
	return rows, false, err
}
