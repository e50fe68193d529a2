package views

import "hiroba/models"

// Author is what a page says of who wrote something: the user's name and
// profile, or for a deleted account the translated "deleted user", with no
// link and no avatar. Every place that names an author asks this, so a
// deleted account reads the same everywhere.
func (t Translator) Author(u models.User) PostAuthor {
	if u.Deleted() {
		label := t.T("user.deleted")
		return PostAuthor{Username: label, Name: label, Deleted: true}
	}
	return PostAuthor{Username: u.Username, Name: u.DisplayName(), Path: UserPath(u.Username), AvatarURL: u.AvatarURL, Staff: u.Staff}
}

// AuthorName is the author's username as lists and search results show it,
// "deleted user" for a deleted account.
func (t Translator) AuthorName(u models.User) string { return t.Author(u).Username }

// deletedPersonName names a deleted author in schema.org data, which is
// read by machines, not people.
const deletedPersonName = "deleted user"
