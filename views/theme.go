package views

// The colour schemes a visitor may choose in the footer. System follows
// the device's setting (prefers-color-scheme) and is what nobody's choice
// means.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// Themes are the choices, in the order the footer offers them.
var Themes = []string{ThemeSystem, ThemeLight, ThemeDark}

// KnownTheme reports whether t is a theme a visitor may choose and keep.
func KnownTheme(t string) bool { return t == ThemeLight || t == ThemeDark }

// ThemeChoice is one choice of the footer's switch.
type ThemeChoice struct {
	Theme   string
	Current bool
}

// ThemeChoices lists the footer's switch, with the one in force marked.
func (b Base) ThemeChoices() []ThemeChoice {
	current := b.Theme
	if current == "" {
		current = ThemeSystem
	}
	out := make([]ThemeChoice, len(Themes))
	for i, t := range Themes {
		out[i] = ThemeChoice{Theme: t, Current: t == current}
	}
	return out
}
