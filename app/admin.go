package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"hiroba/models"
)

// adminArgs takes the words after `hiroba admin` or `hiroba backup` (up to
// the first flag) out of the command line; the flags that follow are the
// server's.
func adminArgs(cmd string, args []string) (words, rest []string) {
	if cmd != "admin" && cmd != "backup" {
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
		return &commandError{code: 2, msg: "usage: hiroba admin grant USERNAME member|moderator|admin"}
	}
	name, role := words[1], models.Role(words[2])
	switch role {
	case models.RoleMember, models.RoleModerator, models.RoleAdmin:
	default:
		return &commandError{code: 2, msg: fmt.Sprintf("unknown role %q: want member, moderator or admin", role)}
	}
	store, err := openStore(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	err = store.GrantRole(ctx, name, role)
	if errors.Is(err, models.ErrNotFound) {
		// Accounts are made by signing in; there is no other way to make one.
		return &commandError{code: 1, msg: fmt.Sprintf("no user named %q has signed in to this forum yet.\n"+
			"A user exists once they have signed in. Ask %s to sign in once, then run this again;\n"+
			"or, to make them an admin when they first sign in, add their verified email to HIROBA_ADMIN_EMAILS.\n"+
			"(If they have signed in, check that -database or HIROBA_DATABASE_URL names this forum's database.)", name, name)}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s is now %s\n", name, role)
	return nil
}
