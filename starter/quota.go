package starter

import "github.com/go-chi/chi/v5"

// QuotaService is what the API needs for quota allocations, POP material and returns.
type QuotaService interface{}

// quotaRoutes mounts the routes of quota allocations, POP material and returns.
func (a *api) quotaRoutes(r chi.Router) {}
