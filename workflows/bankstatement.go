package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// ApplyStatementWorkflowName is the registered name of the workflow that
// applies an imported bank statement's matched lines.
const ApplyStatementWorkflowName = "ApplyStatement"

// StatementWorkflowID is the id of an import's ApplyStatement workflow.
func StatementWorkflowID(importID int64) string { return fmt.Sprintf("statement/%d", importID) }

// Defaults of an ApplyStatement run.
const (
	// DefaultStatementBatch is the lines per activity call: the cash
	// application may wait up to 20 s for the orders of each line, and a
	// batch cut short by its timeout goes on where it stopped (each line is
	// marked when done).
	DefaultStatementBatch   = 20
	DefaultStatementBatches = 200 // batches before the workflow continues as new
)

// QueryStatementProgress returns an ApplyStatement's StatementProgress.
const QueryStatementProgress = "progress"

// ApplyStatementInput starts the application of an import's matched lines,
// as the person who uploaded it.
type ApplyStatementInput struct {
	ImportID      int64       `json:"import_id"`
	By            sales.Actor `json:"by"`
	BatchSize     int         `json:"batch_size,omitempty"`
	BatchesPerRun int         `json:"batches_per_run,omitempty"`
	// Progress is carried over when the workflow continues as new.
	Progress StatementProgress `json:"progress"`
}

// StatementProgress is how far the application got.
type StatementProgress struct {
	After      int  `json:"after"` // the last line number done: the cursor
	Applied    int  `json:"applied"`
	Duplicates int  `json:"duplicates"`
	Queued     int  `json:"queued"` // refused by the cash application: back to Finance
	Runs       int  `json:"runs"`
	Done       bool `json:"done"`
}

// ApplyLinesInput asks for the next matched lines of an import after line
// After to be applied, at most Limit.
type ApplyLinesInput struct {
	ImportID int64       `json:"import_id"`
	By       sales.Actor `json:"by"`
	After    int         `json:"after"`
	Limit    int         `json:"limit"`
}

// ApplyLinesResult says what became of a batch of lines.
type ApplyLinesResult struct {
	Lines      int `json:"lines"`
	Last       int `json:"last"` // the last line number of the batch
	Applied    int `json:"applied"`
	Duplicates int `json:"duplicates"`
	Queued     int `json:"queued"`
}

// ApplyStatementLines applies a batch of an import's matched lines: each is
// recorded as a receipt and the line marked, so that a batch tried again
// skips what it did.
var ApplyStatementLines = Activity[ApplyLinesInput, ApplyLinesResult]{"ApplyStatementLines"}

// ApplyStatement applies an imported statement's matched lines in batches
// (one activity each, keyed by line number) and continues as new every
// BatchesPerRun batches, so ten thousand lines make neither one long request
// nor one long history. A store or network failure is retried until it
// passes; the import answered its uploader long before.
func ApplyStatement(ctx workflow.Context, in ApplyStatementInput) (StatementProgress, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Minute,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
	p := &in.Progress
	p.Runs++
	if err := workflow.SetQueryHandler(ctx, QueryStatementProgress, func() (StatementProgress, error) { return *p, nil }); err != nil {
		return *p, err
	}
	size, perRun := in.BatchSize, in.BatchesPerRun
	if size <= 0 {
		size = DefaultStatementBatch
	}
	if perRun <= 0 {
		perRun = DefaultStatementBatches
	}
	for batch := 0; ; batch++ {
		if batch >= perRun || (batch > 0 && workflow.GetInfo(ctx).GetContinueAsNewSuggested()) {
			return *p, workflow.NewContinueAsNewError(ctx, ApplyStatementWorkflowName, in)
		}
		res, err := ApplyStatementLines.Run(ctx, ApplyLinesInput{ImportID: in.ImportID, By: in.By, After: p.After, Limit: size})
		if err != nil {
			return *p, err
		}
		p.Applied += res.Applied
		p.Duplicates += res.Duplicates
		p.Queued += res.Queued
		if res.Last > p.After {
			p.After = res.Last
		}
		if res.Lines < size {
			break
		}
	}
	p.Done = true
	return *p, nil
}
