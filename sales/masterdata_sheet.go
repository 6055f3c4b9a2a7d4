package sales

// RowProblem is what is wrong with one cell of an imported sheet (Row from
// 1, the heading being row 1; 0 for a single record of the API).
type RowProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}
