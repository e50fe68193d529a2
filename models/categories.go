package models

import (
	"context"
	"fmt"
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
		if err := tx.db.Create(&cats).Error; err != nil {
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
