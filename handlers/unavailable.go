package handlers

// retryAfterUnavailable is how long, in seconds, a page asks the browser
// (and any crawler) to wait while the database is away (models.ErrUnavailable):
// long enough not to pile reloads on a database coming back, short enough
// that nobody waits for a page that would already work.
const retryAfterUnavailable = "5"
