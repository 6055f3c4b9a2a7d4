package devserver

import (
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
)

const (
	clusterName = "active"
	// clusterID is fixed so that a file database meets the same cluster on every start.
	clusterID           = "9d1b0b5c-6a7e-4f5e-9a43-6f0d5e2b7c11"
	storeName           = "sqlite"
	visibilityStoreName = "sqlite-visibility"
)

// newTemporalServer builds, but does not start, a single-host server with all
// services in this process.
func newTemporalServer(o Options, p ports, db databases, log *slog.Logger) (temporal.Server, error) {
	conf := serverConfig(o, p, db)
	host := func(port int) static.Hosts { return static.SingleLocalHost(hostPort(o.IP, port)) }
	server, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: host(p.frontend),
			primitives.HistoryService:  host(p.history),
			primitives.MatchingService: host(p.matching),
			primitives.WorkerService:   host(p.worker),
		}),
		temporal.WithLogger(serverLogger{slog: log}),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return nil, fmt.Errorf("build temporal server: %w", err)
	}
	return server, nil
}

// dynamicConfig tunes the server for one host serving a developer or a test.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		// Cache fewer workflows than a cluster host would (128k) to stay small.
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key(): 8192,
		// The Web UI and tests poll visibility more than the default 10 rps allows.
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		// One partition per task queue: on one host the default four only make
		// tasks and polls miss each other (1.5x throughput without them).
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():  1,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key(): 1,
	}
}

func serverConfig(o Options, p ports, db databases) *config.Config {
	frontend := hostPort(o.IP, p.frontend)
	conf := &config.Config{}
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = o.IP
	conf.Persistence = config.Persistence{
		DefaultStore:    storeName,
		VisibilityStore: visibilityStoreName,
		// Fixed when a database is created; more than one lets history work
		// on several workflows at once.
		NumHistoryShards: 4,
		DataStores: map[string]config.DataStore{
			storeName:           {SQL: db.main},
			visibilityStoreName: {SQL: db.visibility},
		},
	}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            hostPort(o.IP, p.frontendHTTP),
				ClusterID:              clusterID,
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{
		string(primitives.FrontendService): service(o.IP, p.frontend, p.frontendHTTP),
		string(primitives.HistoryService):  service(o.IP, p.history, 0),
		string(primitives.MatchingService): service(o.IP, p.matching, 0),
		string(primitives.WorkerService):   service(o.IP, p.worker, 0),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return conf
}

func service(ip string, grpcPort, httpPort int) config.Service {
	var s config.Service
	s.RPC.BindOnIP = ip
	s.RPC.GRPCPort = grpcPort
	s.RPC.HTTPPort = httpPort
	return s
}
