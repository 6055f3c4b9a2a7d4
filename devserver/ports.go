package devserver

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// PortInUseError reports that a port the server was asked to listen on is taken.
type PortInUseError struct {
	IP     string
	Port   int
	EnvVar string // the setting that chooses another port
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d on %s is already in use: stop the other Temporal server or set %s", e.Port, e.IP, e.EnvVar)
}

// ports are the listening ports of one server: the frontend the caller asked
// for, and free ones for the internal services.
type ports struct {
	frontend     int
	frontendHTTP int
	history      int
	matching     int
	worker       int
}

func choosePorts(o Options) (ports, error) {
	if err := checkPort(o.IP, o.FrontendPort, "OSB_TEMPORAL_PORT"); err != nil {
		return ports{}, err
	}
	if err := checkPort(o.IP, o.UIPort, "OSB_UI_PORT"); err != nil {
		return ports{}, err
	}
	free, err := freePorts(o.IP, 5)
	if err != nil {
		return ports{}, err
	}
	p := ports{frontend: o.FrontendPort, frontendHTTP: free[0], history: free[1], matching: free[2], worker: free[3]}
	if p.frontend == 0 {
		p.frontend = free[4]
	}
	return p, nil
}

// checkPort fails with a PortInUseError if port is taken; port 0 is always fine.
func checkPort(ip string, port int, envVar string) error {
	if port == 0 {
		return nil
	}
	l, err := net.Listen("tcp", hostPort(ip, port))
	if errors.Is(err, syscall.EADDRINUSE) {
		return &PortInUseError{IP: ip, Port: port, EnvVar: envVar}
	}
	if err != nil {
		return fmt.Errorf("check port %d on %s: %w", port, ip, err)
	}
	return l.Close()
}

// freePorts returns n distinct ports that are free on ip right now.
func freePorts(ip string, n int) ([]int, error) {
	out := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", hostPort(ip, 0))
		if err != nil {
			return nil, fmt.Errorf("find a free port on %s: %w", ip, err)
		}
		defer l.Close() // held until all are chosen, so none is handed out twice
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

func hostPort(ip string, port int) string {
	return net.JoinHostPort(ip, strconv.Itoa(port))
}
