package live

// Bus carries the keys of what writes changed (models.Key, as strings) to
// the hub of every instance: in process on a single instance (Memory),
// over Redis pub/sub between several (Redis).
type Bus interface {
	// Publish tells every instance's hub of a committed write's keys,
	// this instance's at once. It does not block.
	Publish(keys []string)
	// Close stops carrying.
	Close() error
}

// Memory is the bus of a single instance: the hub hears its own writes.
type Memory struct{ hub *Hub }

// NewMemory returns the bus of a single instance.
func NewMemory(h *Hub) *Memory { return &Memory{hub: h} }

// Publish wakes the hub's streams following what the keys name.
func (m *Memory) Publish(keys []string) { m.hub.Changed(keys) }

// Close does nothing: there is nothing to stop.
func (m *Memory) Close() error { return nil }
