package database

// IsPlainRead is isPlainRead, for the external tests.
var IsPlainRead = isPlainRead
