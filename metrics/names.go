package metrics

// SDKNames are the Temporal SDK's metric names as this package exports them
// (tally's Prometheus naming: timers are histograms in seconds, counters end
// in _total) that the dashboard ops/grafana/osb.json reads. The SDK names
// its metrics itself, so the names are listed here and the end-to-end test
// (e2e/metrics_test.go) proves each appears in a scrape once a worker ran an
// order; the dashboard's test proves the dashboard names no other.
var SDKNames = []string{
	"temporal_request_total",
	"temporal_request_failure_total",
	"temporal_request_latency_seconds",
	"temporal_long_request_latency_seconds",
	"temporal_workflow_task_schedule_to_start_latency_seconds",
	"temporal_workflow_task_execution_latency_seconds",
	"temporal_workflow_task_replay_latency_seconds",
	"temporal_workflow_task_execution_failed_total",
	"temporal_local_activity_execution_latency_seconds",
	"temporal_activity_schedule_to_start_latency_seconds",
	"temporal_activity_execution_latency_seconds",
	"temporal_activity_execution_failed_total",
	"temporal_sticky_cache_size",
	"temporal_sticky_cache_hit_total",
	"temporal_sticky_cache_miss_total",
	"temporal_worker_task_slots_available",
	"temporal_worker_task_slots_used",
}

// SDKNamesSeenOnFailureOnly are those of SDKNames that only a failure, a
// cache miss or a (non-local) activity emits: an order that goes well does
// not show them, so the end-to-end test leaves them out.
var SDKNamesSeenOnFailureOnly = map[string]bool{
	"temporal_request_failure_total":                      true,
	"temporal_workflow_task_execution_failed_total":       true,
	"temporal_activity_execution_failed_total":            true,
	"temporal_activity_schedule_to_start_latency_seconds": true,
	"temporal_activity_execution_latency_seconds":         true,
	"temporal_sticky_cache_miss_total":                    true,
}
