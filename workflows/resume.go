package workflows

import (
	"encoding/json"
	"fmt"

	"osb/sales"
)

// The reopen input (OrderInput) of a remitted order is kept in the store
// (orders.resume) for the return window, which outlives the run in
// Temporal: a return request starts the order again from it. It is a second
// compatibility surface beside the histories, so it is stored in an
// envelope that names its format, and read only by DecodeResume.
//
// resumeFormat is the format written now. A change to what OrderInput,
// OrderState or RunBook encode (a field renamed, removed or given another
// meaning) bumps it and teaches DecodeResume to read the older format; the
// golden file testdata/resume/<format>.json of every format still readable
// must decode (TestResumeFormats). A format may be dropped once no stored
// order's return window that used it is still open: the return window
// (Policy.ReturnWindow) after the release that stopped writing it.
const resumeFormat = 1

type resumeEnvelope struct {
	Format int             `json:"format"`
	Input  json.RawMessage `json:"input"`
}

// EncodeResume encodes a reopen input in the current format.
// encoding/json writes maps with sorted keys: the same input, the same bytes.
//
//workflowcheck:ignore
func EncodeResume(in OrderInput) (json.RawMessage, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	return json.Marshal(resumeEnvelope{Format: resumeFormat, Input: body})
}

// DecodeResume reads a stored reopen input of any format still known.
func DecodeResume(raw []byte) (OrderInput, error) {
	var env resumeEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return OrderInput{}, fmt.Errorf("reopen input: %w", err)
	}
	var in OrderInput
	switch env.Format {
	case 1:
		if err := json.Unmarshal(env.Input, &in); err != nil {
			return OrderInput{}, fmt.Errorf("reopen input (format 1): %w", err)
		}
	default:
		return OrderInput{}, fmt.Errorf("reopen input: format %d is not known to this release (it reads up to %d)", env.Format, resumeFormat)
	}
	if in.State == nil || in.State.OrderNo == "" || in.Book == nil {
		return OrderInput{}, sales.Errorf(sales.ErrInvalid, "reopen input (format %d): no order state", env.Format)
	}
	return in, nil
}
