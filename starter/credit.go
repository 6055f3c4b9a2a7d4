package starter

import "github.com/go-chi/chi/v5"

// CreditService is what the API needs for credit management (CMR): limits, ratings, reviews, manual adjustments.
type CreditService interface{}

// creditRoutes mounts the routes of credit management (CMR): limits, ratings, reviews, manual adjustments.
func (a *api) creditRoutes(r chi.Router) {}
