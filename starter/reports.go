package starter

import "github.com/go-chi/chi/v5"

// ReportService is what the API needs for the information system: OSB problem log, reports, exports, meeting packs.
type ReportService interface{}

// reportRoutes mounts the routes of the information system: OSB problem log, reports, exports, meeting packs.
func (a *api) reportRoutes(r chi.Router) {}
