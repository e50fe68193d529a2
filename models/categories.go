package models

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"
)

// DefaultCategories are created on first start; admins may edit them later.
var DefaultCategories = []Category{
	{Slug: "account", NameEN: "Account & login", NameJA: "アカウントとログイン",
		DescriptionEN: "Signing in, two-step verification, changing your email.",
		DescriptionJA: "ログイン、2段階認証、メールアドレスの変更について。"},
	{Slug: "billing", NameEN: "Billing & subscriptions", NameJA: "請求とサブスクリプション",
		DescriptionEN: "Plans, invoices, payments and refunds.",
		DescriptionJA: "プラン、請求書、支払い、返金について。"},
	{Slug: "api", NameEN: "API & developers", NameJA: "APIと開発者",
		DescriptionEN: "Keys, rate limits, errors and SDKs.",
		DescriptionJA: "APIキー、レート制限、エラー、SDKについて。"},
	{Slug: "using", NameEN: "Using the product", NameJA: "製品の使い方",
		DescriptionEN: "How-to questions and tips from other users.",
		DescriptionJA: "使い方の質問と、ユーザー同士のヒント。"},
	{Slug: "safety", NameEN: "Safety & content policy", NameJA: "安全とコンテンツポリシー",
		DescriptionEN: "Flagged prompts, content rules and reporting.",
		DescriptionJA: "フラグが付いたプロンプト、コンテンツのルール、報告について。"},
	{Slug: "lounge", NameEN: "Community lounge", NameJA: "コミュニティラウンジ",
		DescriptionEN: "Introductions and everything else.",
		DescriptionJA: "自己紹介や雑談はこちら。"},
}

// EnsureDefaultCategories creates the default categories when there are none,
// so a new forum is usable at once. Existing categories are left as they are.
func (s *Store) EnsureDefaultCategories(ctx context.Context) error {
	return s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.db.Model(&Category{}).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		cats := make([]Category, len(DefaultCategories))
		for i, c := range DefaultCategories {
			c.Position = i + 1
			cats[i] = c
		}
		// Instances starting together over a new database all count none:
		// whichever inserts second finds the slugs taken, and is done.
		if err := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&cats).Error; err != nil {
			return fmt.Errorf("models: create default categories: %w", err)
		}
		tx.touch(KeyCategories, KeyHome)
		return nil
	})
}

// Categories lists every category in display order.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	var cats []Category
	if err := s.db.WithContext(ctx).Order("position, id").Find(&cats).Error; err != nil {
		return nil, fmt.Errorf("models: list categories: %w", err)
	}
	return cats, nil
}

// CategoryBySlug finds one category.
func (s *Store) CategoryBySlug(ctx context.Context, slug string) (Category, error) {
	if !storable(slug) {
		return Category{}, fmt.Errorf("models: category: %w", ErrNotFound)
	}
	var c Category
	if err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&c).Error; err != nil {
		return Category{}, notFound(err, "category %q", slug)
	}
	return c, nil
}

// CategoryByID finds one category.
func (s *Store) CategoryByID(ctx context.Context, id int64) (Category, error) {
	var c Category
	if err := s.db.WithContext(ctx).Take(&c, id).Error; err != nil {
		return Category{}, notFound(err, "category %d", id)
	}
	return c, nil
}

// refuseArchived refuses a post, or a move, into an archived category.
func (s *Store) refuseArchived(categoryID int64) error {
	var c Category
	if err := s.db.Select("id", "archived_at").Take(&c, categoryID).Error; err != nil {
		return notFound(err, "category %d", categoryID)
	}
	if c.Archived() {
		return &RefusedError{Reason: RefuseArchived}
	}
	return nil
}

// OpenCategories are the categories that take new threads, as the
// composer offers them, and keep: the one a thread is already in, which
// an edit must be able to leave it in.
func OpenCategories(cats []Category, keep int64) []Category {
	open := make([]Category, 0, len(cats))
	for _, c := range cats {
		if !c.Archived() || c.ID == keep {
			open = append(open, c)
		}
	}
	return open
}

// CategoryStat is a category as admins see it: with how many of its
// threads a visitor may open, and how many it holds in all (held and
// hidden ones too).
type CategoryStat struct {
	Category
	PublicThreads int64
	AllThreads    int64
}

// CategoryStats lists every category in display order with its counts,
// counted afresh from the threads (three queries, whatever the number of
// categories).
func (s *Store) CategoryStats(ctx context.Context) ([]CategoryStat, error) {
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	type count struct {
		CategoryID int64
		N          int64
	}
	var all, public []count
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT category_id, COUNT(*) AS n FROM threads GROUP BY category_id`).Scan(&all).Error; err != nil {
		return nil, fmt.Errorf("models: count threads by category: %w", err)
	}
	visible, args := visibleThreadSQL(nil, "t")
	if err := db.Raw(`SELECT t.category_id, COUNT(*) AS n FROM threads t WHERE `+visible+` GROUP BY t.category_id`, args...).Scan(&public).Error; err != nil {
		return nil, fmt.Errorf("models: count public threads by category: %w", err)
	}
	out := make([]CategoryStat, len(cats))
	index := map[int64]int{}
	for i, c := range cats {
		out[i].Category = c
		index[c.ID] = i
	}
	for _, n := range all {
		if i, ok := index[n.CategoryID]; ok {
			out[i].AllThreads = n.N
		}
	}
	for _, n := range public {
		if i, ok := index[n.CategoryID]; ok {
			out[i].PublicThreads = n.N
		}
	}
	return out, nil
}

// CategoryInput is a category's names and descriptions as an admin types them.
type CategoryInput struct {
	NameEN, NameJA               string
	DescriptionEN, DescriptionJA string
}

// Limits of a category's fields, in characters.
const (
	maxCategoryName        = 80
	maxCategoryDescription = 300
)

// Check trims the input and returns a SettingsError naming the fields that
// cannot be stored: a missing or too long name, a too long description.
func (in *CategoryInput) Check() error {
	bad := map[string]string{}
	for _, f := range []struct {
		name string
		v    *string
		max  int
		need bool
	}{
		{"name_en", &in.NameEN, maxCategoryName, true}, {"name_ja", &in.NameJA, maxCategoryName, true},
		{"description_en", &in.DescriptionEN, maxCategoryDescription, false}, {"description_ja", &in.DescriptionJA, maxCategoryDescription, false},
	} {
		*f.v = cleanText(strings.TrimSpace(*f.v))
		switch {
		case f.need && *f.v == "":
			bad[f.name] = "categories.required"
		case utf8.RuneCountInString(*f.v) > f.max:
			bad[f.name] = "categories.too_long"
		}
	}
	if len(bad) > 0 {
		return &SettingsError{Fields: bad}
	}
	return nil
}

// categorySlug is a slug for a new category from its English name, not yet
// taken by another: "billing", else "billing-2", "billing-3"…
func (s *Store) categorySlug(name string) (string, error) {
	base := Slugify(name)
	if base == "thread" && !strings.Contains(strings.ToLower(name), "thread") {
		base = "category" // Slugify's word for a name with no letters
	}
	var taken []string
	if err := s.db.Model(&Category{}).Where("slug = ? OR slug LIKE ?", base, base+"-%").Pluck("slug", &taken).Error; err != nil {
		return "", err
	}
	used := map[string]bool{}
	for _, t := range taken {
		used[t] = true
	}
	slug := base
	for n := 2; used[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	return slug, nil
}

// CreateCategory adds a category at the end of the list, its slug made
// from its English name (and kept when it is renamed, so its address and
// feed stay).
func (s *Store) CreateCategory(ctx context.Context, actor User, in CategoryInput) (Category, error) {
	if !actor.CanAdmin() {
		return Category{}, ErrForbidden
	}
	if err := in.Check(); err != nil {
		return Category{}, err
	}
	var c Category
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		slug, err := tx.categorySlug(in.NameEN)
		if err != nil {
			return logEntry{}, err
		}
		var last []int
		if err := tx.db.Model(&Category{}).Select("COALESCE(MAX(position), 0)").Scan(&last).Error; err != nil {
			return logEntry{}, err
		}
		now := time.Now().UTC()
		c = Category{Slug: slug, NameEN: in.NameEN, NameJA: in.NameJA, DescriptionEN: in.DescriptionEN,
			DescriptionJA: in.DescriptionJA, CreatedAt: now, UpdatedAt: now}
		if len(last) > 0 {
			c.Position = last[0] + 1
		}
		if err := tx.db.Create(&c).Error; err != nil {
			return logEntry{}, err
		}
		tx.touch(KeyCategories, CategoryKey(c.ID), KeyHome)
		return logEntry{"category.create", "category", c.ID, c.NameEN}, nil
	})
	if err != nil {
		return Category{}, fmt.Errorf("models: create category: %w", err)
	}
	return c, nil
}

// UpdateCategory renames and describes a category; its slug stays.
func (s *Store) UpdateCategory(ctx context.Context, actor User, id int64, in CategoryInput) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	if err := in.Check(); err != nil {
		return err
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		res := tx.db.Model(&Category{}).Where("id = ?", id).Updates(map[string]any{
			"name_en": in.NameEN, "name_ja": in.NameJA, "description_en": in.DescriptionEN,
			"description_ja": in.DescriptionJA, "updated_at": time.Now().UTC(),
		})
		if res.Error != nil {
			return logEntry{}, res.Error
		}
		if res.RowsAffected == 0 {
			return logEntry{}, ErrNotFound
		}
		// Names show beside every thread in every list, in search and
		// on the threads' own pages.
		tx.touch(KeyAll)
		return logEntry{"category.update", "category", id, in.NameEN}, nil
	})
	if err != nil {
		return fmt.Errorf("models: update category %d: %w", id, notFoundErr(err))
	}
	return nil
}

// MoveCategory moves a category one place up (earlier) or down in the
// list. Positions are numbered afresh 1…n on the way, so categories that
// shared a position (or had none) move predictably too.
func (s *Store) MoveCategory(ctx context.Context, actor User, id int64, up bool) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var ids []int64
		if err := tx.db.Model(&Category{}).Order("position, id").Pluck("id", &ids).Error; err != nil {
			return logEntry{}, err
		}
		at := slices.Index(ids, id)
		if at < 0 {
			return logEntry{}, ErrNotFound
		}
		to := at + 1
		if up {
			to = at - 1
		}
		if to < 0 || to >= len(ids) {
			return logEntry{}, nil // already first or last: nothing to do, nothing to log
		}
		ids[at], ids[to] = ids[to], ids[at]
		for i, cid := range ids {
			if err := tx.db.Model(&Category{}).Where("id = ? AND position <> ?", cid, i+1).Update("position", i+1).Error; err != nil {
				return logEntry{}, err
			}
		}
		tx.touch(KeyCategories, KeyHome)
		action := "category.move_down"
		if up {
			action = "category.move_up"
		}
		return logEntry{action, "category", id, ""}, nil
	})
	if err != nil {
		return fmt.Errorf("models: move category %d: %w", id, notFoundErr(err))
	}
	return nil
}

// SetCategoryArchived archives a category (read-only: no new threads, no
// replies, no thread moved in) or opens it again.
func (s *Store) SetCategoryArchived(ctx context.Context, actor User, id int64, archived bool) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var at any
		action := "category.unarchive"
		if archived {
			at, action = time.Now().UTC(), "category.archive"
		}
		res := tx.db.Model(&Category{}).Where("id = ?", id).Update("archived_at", at)
		if res.Error != nil {
			return logEntry{}, res.Error
		}
		if res.RowsAffected == 0 {
			return logEntry{}, ErrNotFound
		}
		// Its list says it is archived, and every list's categories
		// (KeyCategories) name the list pages. A thread's page does not
		// show it (a reply is refused when sent), so the category's
		// threads, however many, are not touched one by one.
		tx.touch(KeyCategories, CategoryKey(id), KeyHome)
		return logEntry{action, "category", id, ""}, nil
	})
	if err != nil {
		return fmt.Errorf("models: archive category %d: %w", id, notFoundErr(err))
	}
	return nil
}

// MergeCategories moves every thread of one category into another, counts
// them there, and removes the category they left. Edits waiting for a
// moderator and earlier versions that named it name the other now.
func (s *Store) MergeCategories(ctx context.Context, actor User, fromID, intoID int64) error {
	if !actor.CanAdmin() {
		return ErrForbidden
	}
	if fromID == intoID {
		return fmt.Errorf("models: merge category %d into itself: %w", fromID, errInvalid)
	}
	err := s.moderated(ctx, actor, func(tx *Store) (logEntry, error) {
		var from, into Category
		if err := tx.db.Take(&from, fromID).Error; err != nil {
			return logEntry{}, err
		}
		if err := tx.db.Take(&into, intoID).Error; err != nil {
			return logEntry{}, err
		}
		for _, stmt := range []string{
			`UPDATE threads SET category_id = ? WHERE category_id = ?`,
			`UPDATE pending_edits SET category_id = ? WHERE category_id = ?`,
			`UPDATE post_revisions SET category_id = ? WHERE category_id = ?`,
		} {
			if err := tx.db.Exec(stmt, intoID, fromID).Error; err != nil {
				return logEntry{}, err
			}
		}
		if err := tx.db.Exec(`UPDATE categories SET thread_count = thread_count + ?, updated_at = ? WHERE id = ?`,
			from.ThreadCount, time.Now().UTC(), intoID).Error; err != nil {
			return logEntry{}, err
		}
		if err := tx.db.Delete(&Category{}, fromID).Error; err != nil {
			return logEntry{}, err
		}
		// Every moved thread's page names its category, and so do search
		// and lists: a rare change, not worth tracing thread by thread.
		tx.touch(KeyAll)
		return logEntry{"category.merge", "category", intoID, from.NameEN + " → " + into.NameEN}, nil
	})
	if err != nil {
		return fmt.Errorf("models: merge category %d into %d: %w", fromID, intoID, notFoundErr(err))
	}
	return nil
}
