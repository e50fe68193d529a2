package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"hiroba/models"
)

// adminArgs takes the words after `hiroba admin` (up to the first flag) out
// of the command line; the flags that follow are the server's.
func adminArgs(cmd string, args []string) (words, rest []string) {
	if cmd != "admin" {
		return nil, args
	}
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			return args[:i], args[i:]
		}
	}
	return args, nil
}

// admin runs an administrative command: `admin grant USERNAME ROLE` gives a
// user the member, moderator or admin role, recorded in the audit log.
func admin(ctx context.Context, cfg Config, words []string, out io.Writer) error {
	if len(words) != 3 || words[0] != "grant" {
		return fmt.Errorf("usage: hiroba admin grant USERNAME member|moderator|admin")
	}
	store, err := openStore(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.GrantRole(ctx, words[1], models.Role(words[2])); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s is now %s\n", words[1], words[2])
	return nil
}
