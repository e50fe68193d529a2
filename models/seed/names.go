package seed

import (
	"strconv"
	"strings"
	"time"
)

// A person's name in the two forms a forum shows: the romanized one that
// usernames are made of, and the one they would write themselves.
type personName struct{ roman, native string }

var (
	japaneseGiven = []personName{{"hana", "花"}, {"ken", "健"}, {"yuki", "由紀"}, {"haruto", "陽翔"}, {"sakura", "さくら"},
		{"riku", "陸"}, {"aoi", "葵"}, {"sota", "蒼太"}, {"mei", "芽依"}, {"yui", "結衣"}, {"takumi", "拓海"},
		{"kaito", "海斗"}, {"rin", "凛"}, {"daiki", "大輝"}, {"mio", "美緒"}, {"ren", "蓮"}, {"hinata", "ひなた"},
		{"yuto", "悠斗"}, {"saki", "早紀"}, {"kenta", "健太"}, {"naoko", "直子"}, {"hiroshi", "浩"}, {"emi", "恵美"}}
	japaneseFamily = []personName{{"sato", "佐藤"}, {"suzuki", "鈴木"}, {"takahashi", "高橋"}, {"tanaka", "田中"},
		{"watanabe", "渡辺"}, {"ito", "伊藤"}, {"yamamoto", "山本"}, {"nakamura", "中村"}, {"kobayashi", "小林"},
		{"kato", "加藤"}, {"yoshida", "吉田"}, {"yamada", "山田"}, {"sasaki", "佐々木"}, {"matsumoto", "松本"},
		{"inoue", "井上"}, {"kimura", "木村"}, {"hayashi", "林"}, {"shimizu", "清水"}, {"mori", "森"}, {"ikeda", "池田"}}
	englishGiven = []string{"emma", "liam", "olivia", "noah", "ava", "lucas", "mia", "ethan", "sophia", "james",
		"amelia", "ben", "chloe", "daniel", "grace", "jack", "leo", "nora", "omar", "priya", "raj", "sara", "tom",
		"zoe", "alex", "sam", "chris", "maria", "carlos", "fatima", "wei", "lin", "anna", "david", "ivan", "lena",
		"marco", "aisha", "jonas", "elena"}
	englishFamily = []string{"smith", "johnson", "brown", "garcia", "miller", "davis", "wilson", "taylor", "clark",
		"lee", "walker", "young", "king", "patel", "nguyen", "kim", "chen", "silva", "novak", "rossi", "schmidt",
		"kowalski", "dubois", "haddad", "okafor"}
	handlePrefixes = []string{"dev", "the", "ops", "code", "mr", "ms", "just", "hello", "real", "its"}
)

// person is a generated forum member before it has a database ID.
type person struct {
	username string
	name     string
	lang     string
	joined   time.Time
}

// makePerson invents a member the way people choose usernames: given name
// and family name, a prefix and a number, sometimes just a name and digits.
func (w *writer) makePerson(lang string) person {
	var given, family, nativeName string
	if lang == "ja" {
		g := japaneseGiven[w.zipf(len(japaneseGiven), true)]
		f := japaneseFamily[w.zipf(len(japaneseFamily), true)]
		given, family = g.roman, f.roman
		nativeName = f.native + " " + g.native
	} else {
		given = englishGiven[w.zipf(len(englishGiven), true)]
		family = englishFamily[w.zipf(len(englishFamily), true)]
		nativeName = capitalize(given) + " " + capitalize(family)
	}
	var username string
	switch r := w.rng.Float64(); {
	case r < 0.35:
		username = given + "_" + family
	case r < 0.5:
		username = given + "-" + family
	case r < 0.65:
		username = handlePrefixes[w.zipf(len(handlePrefixes), false)] + "-" + given + strconv.Itoa(w.rng.IntN(99)+1)
	case r < 0.8:
		username = given + strconv.Itoa(w.rng.IntN(999)+1)
	case r < 0.9:
		username = family + "_" + given[:1]
	default:
		username = given + family[:1] + strconv.Itoa(w.rng.IntN(90)+10)
	}
	p := person{username: username, lang: lang}
	// About half of the members fill in a display name; the rest are known
	// by their username.
	if w.chance(0.5) {
		if lang == "ja" && w.chance(0.3) {
			p.name = capitalize(given) + " " + capitalize(family)
		} else {
			p.name = nativeName
		}
	}
	return p
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
