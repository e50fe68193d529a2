package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// SignIn is what an OAuth provider told us about the person signing in.
type SignIn struct {
	Provider       string
	ProviderUserID string
	Nickname       string
	Name           string
	Email          string
	EmailVerified  bool
	AvatarURL      string
	// MakeAdmin grants the admin role: the email is verified and listed in
	// HIROBA_ADMIN_EMAILS.
	MakeAdmin bool
}

// SignInUser returns the user behind a provider identity, creating the user
// and the identity on the first sign-in. created reports which happened.
func (s *Store) SignInUser(ctx context.Context, in SignIn) (user User, created bool, err error) {
	if in.Provider == "" || in.ProviderUserID == "" {
		return User{}, false, fmt.Errorf("models: sign in: provider identity is empty")
	}
	err = s.Tx(ctx, func(tx *Store) error {
		var ident Identity
		err := tx.db.Where("provider = ? AND provider_user_id = ?", in.Provider, in.ProviderUserID).Take(&ident).Error
		switch {
		case err == nil:
			if err := tx.db.Take(&user, ident.UserID).Error; err != nil {
				return err
			}
			// Keep the profile as the provider has it now; the username stays.
			was := user
			user.Name, user.AvatarURL = firstNonEmpty(in.Name, user.Name), firstNonEmpty(in.AvatarURL, user.AvatarURL)
			if user.Name != was.Name || user.AvatarURL != was.AvatarURL {
				// Shown beside their posts wherever they are: rare, and wide.
				tx.touch(KeyAll)
			}
			user.Email = firstNonEmpty(in.Email, user.Email)
			user.EmailVerified = in.EmailVerified
			if err := tx.db.Save(&user).Error; err != nil {
				return err
			}
			return tx.grantListedAdmin(&user, in)
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		username, err := tx.freeUsername(firstNonEmpty(in.Nickname, in.Name, strings.Split(in.Email, "@")[0], "user"))
		if err != nil {
			return err
		}
		user = User{Username: username, Name: in.Name, Email: in.Email, EmailVerified: in.EmailVerified, AvatarURL: in.AvatarURL, Role: RoleMember}
		if err := tx.db.Create(&user).Error; err != nil {
			return err
		}
		created = true
		tx.touch(KeySearch) // a search by author may now find them
		if err := tx.db.Create(&Identity{UserID: user.ID, Provider: in.Provider, ProviderUserID: in.ProviderUserID, Email: in.Email}).Error; err != nil {
			return err
		}
		return tx.grantListedAdmin(&user, in)
	})
	if err != nil {
		return User{}, false, fmt.Errorf("models: sign in %s: %w", in.Provider, err)
	}
	return user, created, nil
}

// freeUsername turns a provider's nickname into a username nobody has yet:
// letters, digits, '-' and '_', with a number added on collision.
func (s *Store) freeUsername(want string) (string, error) {
	base := CleanUsername(want)
	for i := 1; i < 1000; i++ {
		candidate := base
		if i > 1 {
			candidate = base + strconv.Itoa(i)
		}
		var n int64
		if err := s.db.Model(&User{}).Where("username = ?", candidate).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return candidate, nil
		}
	}
	return fmt.Sprintf("%s%d", base, time.Now().UnixNano()), nil
}

// CleanUsername keeps the characters a username may hold.
func CleanUsername(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(s) {
		switch {
		case n >= 30:
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-':
			b.WriteRune(r)
			n++
		case unicode.IsSpace(r) || r == '.':
			b.WriteRune('-')
			n++
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "user"
	}
	return out
}

// UserByUsername finds a user for a profile page.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	if !storable(username) {
		return User{}, fmt.Errorf("models: user: %w", ErrNotFound)
	}
	var u User
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&u).Error
	if err != nil {
		return User{}, notFound(err, "user %q", username)
	}
	return u, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// grantListedAdmin makes a user whose verified email is listed an admin, and
// logs it, since nobody clicked anything to cause it.
func (s *Store) grantListedAdmin(u *User, in SignIn) error {
	if !in.MakeAdmin || u.Role == RoleAdmin {
		return nil
	}
	u.Role = RoleAdmin
	if err := s.db.Model(&User{}).Where("id = ?", u.ID).Update("role", RoleAdmin).Error; err != nil {
		return err
	}
	entry := AuditEntry{Action: "user.role.admin", TargetType: "user", TargetID: u.ID, Reason: "HIROBA_ADMIN_EMAILS", CreatedAt: time.Now().UTC()}
	return s.db.Omit("Actor").Create(&entry).Error
}
