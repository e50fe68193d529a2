package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcraScript is gcra (ratelimit.go) in microseconds, run by Redis as one
// atomic step: no other client's request can land between reading the TAT
// and writing it back, which a GET then SET from Go could not promise.
//
// The clock is Redis's own TIME, not the caller's, so instances whose clocks
// disagree still share one timeline. Only tests pass a time of their own
// (ARGV[3]), to step through a timeline without sleeping; the key's TTL is
// then counted from that time, so it still ends when the key stops mattering
// on the test's timeline, as long as the test takes less real time than the
// TTL. Microseconds since the epoch (~1.8e15) stay exact in Lua's doubles,
// which hold integers up to 2^53.
//
// KEYS[1]: the counter; ARGV[1]: emission interval in µs; ARGV[2]: limit;
// ARGV[3], optional: now in µs since the epoch.
// Returns {allowed (0/1), remaining, retry after in µs}.
const gcraScript = `
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  if redis.replicate_commands then
    -- Redis before 5 replicates scripts verbatim and refuses a write after
    -- TIME; this makes it replicate the SET's effect instead.
    redis.replicate_commands()
  end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local new_tat = tat + interval
local allow_at = new_tat - limit * interval
if now < allow_at then
  return {0, 0, allow_at - now}
end
-- The key lives exactly as long as it differs from a key never seen.
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.floor((now - allow_at) / interval), 0}
`

const (
	defaultPrefix = "hiroba:rl:"
	// ioTimeout bounds a dial and one round trip when the URL sets none.
	// Allow sits in front of every limited request, and a Redis that takes
	// longer than this is better treated as down (the request goes through)
	// than waited on for go-redis's default of seconds.
	ioTimeout = 500 * time.Millisecond
)

type redisLimiter struct {
	client *redis.Client
	script *redis.Script
	prefix string
	// now, when set, replaces Redis's clock: tests drive it.
	now func() time.Time
}

// NewRedis returns a Limiter whose counters live in Redis, shared by every
// instance that uses the same URL (HIROBA_REDIS_URL, such as
// redis://127.0.0.1:6379/0; read_timeout and the like may be set in it).
// Keys are hiroba:rl:{rule}:{key} and expire by themselves once drained.
//
// It pings Redis once so that a wrong URL stops start-up rather than
// silently turning every limit off; later outages only make Allow return
// errors.
func NewRedis(url string) (Limiter, error) {
	return newRedis(url, defaultPrefix)
}

func newRedis(url, prefix string) (*redisLimiter, error) {
	opt, err := redisOptions(url)
	if err != nil {
		return nil, err
	}
	l := newRedisClient(opt, prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.client.Ping(ctx).Err(); err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("ratelimit: connect to redis at %s: %w", opt.Addr, err)
	}
	return l, nil
}

func redisOptions(url string) (*redis.Options, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("ratelimit: parse redis url: %w", err)
	}
	for _, d := range []*time.Duration{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout} {
		if *d == 0 {
			*d = ioTimeout
		}
	}
	// No retries: a retried script whose first run did land but whose reply
	// was lost would count the request twice, and while Redis is down each
	// retry and redial only delays a request that will go through anyway.
	if opt.MaxRetries == 0 {
		opt.MaxRetries = -1
	}
	opt.DialerRetries = 1
	// A request's own deadline also bounds its rate-limit check.
	opt.ContextTimeoutEnabled = true
	return opt, nil
}

func newRedisClient(opt *redis.Options, prefix string) *redisLimiter {
	return &redisLimiter{client: redis.NewClient(opt), script: redis.NewScript(gcraScript), prefix: prefix}
}

func (l *redisLimiter) Allow(ctx context.Context, rule Rule, key string) (Decision, error) {
	if err := rule.validate(); err != nil {
		return Decision{}, err
	}
	iv := (rule.interval() + time.Microsecond - 1) / time.Microsecond
	args := []any{int64(iv), rule.Limit}
	if l.now != nil {
		args = append(args, l.now().UnixMicro())
	}
	res, err := l.script.Run(ctx, l.client, []string{l.prefix + rule.Name + ":" + key}, args...).Int64Slice()
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: redis allow %s: %w", rule.Name, err)
	}
	if len(res) != 3 {
		return Decision{}, fmt.Errorf("ratelimit: redis allow %s: unexpected reply %v", rule.Name, res)
	}
	return Decision{
		Allowed:    res[0] == 1,
		Remaining:  int(res[1]),
		RetryAfter: time.Duration(res[2]) * time.Microsecond,
	}, nil
}

func (l *redisLimiter) Close() error {
	return l.client.Close()
}
