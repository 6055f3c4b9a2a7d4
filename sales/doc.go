// Package sales is OSB's domain: the sales department's organisation, customers,
// orders and their Order–Shipment–Billing cycle (21 steps), money in fen, the
// escalation ladder, policies with their defaults and the one error vocabulary.
//
// It imports no database, HTTP or Temporal package: workflows, activities, the
// store and the API all speak in these terms.
package sales
