package worker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// EnsureSearchAttributes registers in namespace the custom search attributes
// of attrs that it does not have yet. It fails if one exists with another type.
func EnsureSearchAttributes(
	ctx context.Context, c client.Client, namespace string, attrs map[string]enums.IndexedValueType,
) error {
	missing, err := missingSearchAttributes(ctx, c, namespace, attrs)
	if err != nil || len(missing) == 0 {
		return err
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx,
		&operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
	var exists *serviceerror.AlreadyExists
	if errors.As(err, &exists) {
		// Another worker added them meanwhile: check that it agreed on the types.
		stillMissing, listErr := missingSearchAttributes(ctx, c, namespace, attrs)
		if listErr != nil || len(stillMissing) == 0 {
			return listErr
		}
	}
	if err != nil {
		return fmt.Errorf("add search attributes %v to namespace %q: %w",
			slices.Sorted(maps.Keys(missing)), namespace, err)
	}
	return nil
}

// missingSearchAttributes returns the attrs that namespace lacks.
func missingSearchAttributes(
	ctx context.Context, c client.Client, namespace string, attrs map[string]enums.IndexedValueType,
) (map[string]enums.IndexedValueType, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list search attributes of namespace %q: %w", namespace, err)
	}
	missing := map[string]enums.IndexedValueType{}
	for name, want := range attrs {
		got, ok := resp.GetCustomAttributes()[name]
		if !ok {
			missing[name] = want
			continue
		}
		if got != want {
			return nil, fmt.Errorf("search attribute %s is %s in namespace %q, not %s", name, got, namespace, want)
		}
	}
	return missing, nil
}
