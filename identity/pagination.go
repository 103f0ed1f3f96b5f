package identity

import "strings"

// Paging limits of every listing.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 1000
)

// PageQuery is a listing's paging and sorting request (_limit, _offset,
// _sortBy, _order).
type PageQuery struct {
	Limit  int
	Offset int
	SortBy string
	// Order is "ASC" or "DESC".
	Order string
}

// normalize applies defaults and checks the query against the sortable
// fields (the first is the default).
func (q PageQuery) normalize(sortable ...string) (PageQuery, error) {
	if q.Limit == 0 {
		q.Limit = DefaultPageLimit
	}
	if q.Limit < 1 || q.Limit > MaxPageLimit {
		return q, invalid("_limit", "_limit must be between 1 and %d", MaxPageLimit)
	}
	if q.Offset < 0 {
		return q, invalid("_offset", "_offset must not be negative")
	}
	q.Order = strings.ToUpper(q.Order)
	switch q.Order {
	case "":
		q.Order = "ASC"
	case "ASC", "DESC":
	default:
		return q, invalid("_order", "_order must be ASC or DESC")
	}
	if q.SortBy == "" && len(sortable) > 0 {
		q.SortBy = sortable[0]
	}
	if len(sortable) > 0 {
		ok := false
		for _, s := range sortable {
			ok = ok || s == q.SortBy
		}
		if !ok {
			return q, invalid("_sortBy", "_sortBy must be one of %v", sortable)
		}
	}
	return q, nil
}

// Page is one page of a listing (FronteggPaginationWrapper).
type Page[T any] struct {
	Items    []T          `json:"items"`
	Links    PageLinks    `json:"_links"`
	Metadata PageMetadata `json:"_metadata"`

	limit, offset int
}

// PageLinks point to neighbouring pages; the HTTP layer fills them in with
// Link. Empty when there is no such page.
type PageLinks struct {
	Next  string `json:"next"`
	Prev  string `json:"prev"`
	First string `json:"first"`
	Last  string `json:"last"`
}

// PageMetadata counts the whole listing.
type PageMetadata struct {
	TotalItems int `json:"totalItems"`
	TotalPages int `json:"totalPages"`
}

// newPage wraps items, the page of a listing of total items under q.
func newPage[T any](items []T, total int, q PageQuery) *Page[T] {
	if items == nil {
		items = []T{}
	}
	pages := 0
	if q.Limit > 0 {
		pages = (total + q.Limit - 1) / q.Limit
	}
	return &Page[T]{Items: items, Metadata: PageMetadata{TotalItems: total, TotalPages: pages}, limit: q.Limit, offset: q.Offset}
}

// pageOf cuts the page q out of all (already sorted) items.
func pageOf[T any](all []T, q PageQuery) *Page[T] {
	lo := min(q.Offset, len(all))
	hi := min(lo+q.Limit, len(all))
	return newPage(all[lo:hi:hi], len(all), q)
}

// Link fills Links using url, which returns the address of the page that
// starts at offset.
func (p *Page[T]) Link(url func(offset int) string) {
	if p.limit <= 0 {
		return
	}
	p.Links.First = url(0)
	if p.Metadata.TotalPages > 0 {
		p.Links.Last = url((p.Metadata.TotalPages - 1) * p.limit)
	}
	if p.offset+p.limit < p.Metadata.TotalItems {
		p.Links.Next = url(p.offset + p.limit)
	}
	if p.offset > 0 {
		p.Links.Prev = url(max(0, p.offset-p.limit))
	}
}
