package models

// Pagination says where a page sits in a list.
type Pagination struct {
	Page       int // 1-based
	PerPage    int
	TotalItems int64
}

// TotalPages is at least 1, so an empty list still has a page to show.
func (p Pagination) TotalPages() int {
	if p.PerPage <= 0 || p.TotalItems == 0 {
		return 1
	}
	return int((p.TotalItems + int64(p.PerPage) - 1) / int64(p.PerPage))
}

// HasPrev and HasNext tell whether to show the links.
func (p Pagination) HasPrev() bool { return p.Page > 1 }
func (p Pagination) HasNext() bool { return p.Page < p.TotalPages() }

// Prev and Next are the neighbouring page numbers.
func (p Pagination) Prev() int { return p.Page - 1 }
func (p Pagination) Next() int { return p.Page + 1 }

func (p Pagination) offset() int { return (p.Page - 1) * p.PerPage }

func clampPage(page, perPage int) (int, int) {
	if page < 1 {
		page = 1
	}
	if page > 100000 {
		page = 100000
	}
	if perPage < 1 || perPage > 200 {
		perPage = 30
	}
	return page, perPage
}
