package models

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// Languages of what people write. A page in one language shows posts in
// the other, so each title and post carries its own: browsers then break
// Japanese lines between phrases instead of mid-word, and pick Japanese
// glyphs for kanji. Only the site's two languages are told apart, which
// the share of script is enough for.
const (
	LangEnglish  = "en"
	LangJapanese = "ja"
)

// DetectLanguage says which language a title or a post's Markdown source is
// in: "ja" when kana and kanji carry at least as much of the text as Latin
// letters do, "en" when Latin letters carry more, and "" when there are no
// letters at all (an emoji, a number), which leaves the page's language in
// force. A kanji or kana carries about a word's syllable where a Latin
// letter carries a fraction of one, so each counts as three letters. Code
// and links are not prose and are left out: a Japanese question quoting an
// English error message is still Japanese.
func DetectLanguage(text string) string {
	var cjk, latin int
	for _, word := range strings.Fields(prose(text)) {
		if strings.Contains(word, "://") || strings.HasPrefix(word, "www.") {
			continue
		}
		for _, r := range word {
			switch {
			case unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han):
				cjk++
			case unicode.In(r, unicode.Latin):
				latin++
			}
		}
	}
	switch {
	case cjk == 0 && latin == 0:
		return ""
	case 3*cjk >= latin:
		return LangJapanese
	}
	return LangEnglish
}

// prose is Markdown without its fenced code blocks and inline code spans.
func prose(md string) string {
	if !strings.Contains(md, "`") {
		return md
	}
	var b strings.Builder
	fenced := false
	for line := range strings.Lines(md) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		// Inline spans: every other piece between backticks is code.
		for i, piece := range strings.Split(line, "`") {
			if i%2 == 0 {
				b.WriteString(piece)
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// languageBatch is how many rows one backfill statement reads.
const languageBatch = 500

// detectLanguages fills in the language of titles and posts written before
// it was stored (NULL), a batch at a time. It runs after every migration,
// so it is cheap when there is nothing to do: the partial indexes of
// migration 0009 hold only the rows still waiting. A row an older
// instance writes during an upgrade is caught at the next start.
func (s *Store) detectLanguages(ctx context.Context) error {
	for _, table := range []struct{ name, text, lang string }{
		{"threads", "title", "title_lang"},
		{"posts", "source", "lang"},
	} {
		for {
			var rows []struct {
				ID      int64
				Content string
			}
			err := s.db.WithContext(ctx).Raw(fmt.Sprintf(
				`SELECT id, %s AS content FROM %s WHERE %s IS NULL ORDER BY id LIMIT ?`, table.text, table.name, table.lang),
				languageBatch).Scan(&rows).Error
			if err != nil {
				return fmt.Errorf("models: read %s for languages: %w", table.name, err)
			}
			if len(rows) == 0 {
				break
			}
			err = s.Tx(ctx, func(tx *Store) error {
				for _, r := range rows {
					if err := tx.db.Exec(fmt.Sprintf(`UPDATE %s SET %s = ? WHERE id = ?`, table.name, table.lang),
						DetectLanguage(r.Content), r.ID).Error; err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("models: store languages of %s: %w", table.name, err)
			}
		}
	}
	return nil
}
