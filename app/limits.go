package app

import (
	"fmt"
	"strings"

	"hiroba/handlers"
	"hiroba/models"
)

// limitsFromEnv reads HIROBA_LIMIT_POST=10/1m and the like, one variable
// per budget in models.BudgetNames; a budget not set keeps its default. A
// value that cannot be read stops start-up, naming the variable, rather
// than leaving a limit other than the one meant.
func limitsFromEnv(env func(key, def string) string) (handlers.Limits, error) {
	var l handlers.Limits
	for _, name := range models.BudgetNames {
		key := "HIROBA_LIMIT_" + strings.ToUpper(name)
		v := env(key, "")
		if v == "" {
			continue
		}
		b, err := models.ParseBudget(v)
		if err != nil {
			return l, fmt.Errorf("app: %s=%q: want COUNT/PERIOD such as 10/1m (a count of 1 or more, a period from 1s to 24h)", key, v)
		}
		l.Set(name, b)
	}
	return l, nil
}
