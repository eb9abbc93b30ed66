package framework

import (
	"cmp"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Listing is the shape of a data source that lists a manager's items with a lookup map
// (nsx_segments' paths, sdwan_devices' system_ips): the items sorted by a name and then by
// a key (the one rule for ties), and the map from each name to the key of its first item.
type Listing[T any] struct {
	Item, Items string // "segment", "segments": the list attribute is Items
	Name, Key   string // "display name", "path": in words
	Index       string // "paths": the map attribute
	NameOf      func(*T) string
	KeyOf       func(*T) string
}

// Keep sorts all, keeps the items keep accepts (in that order) and maps their names to their
// keys; a name several items share keeps the first, and a warning on the map names the keys
// left out of it.
func (l Listing[T]) Keep(all []T, keep func(*T) bool, diags *diag.Diagnostics) ([]*T, map[string]string) {
	sort.SliceStable(all, func(i, j int) bool { // by index: no copy of an item per comparison
		a, b := &all[i], &all[j]
		return cmp.Or(cmp.Compare(l.NameOf(a), l.NameOf(b)), cmp.Compare(l.KeyOf(a), l.KeyOf(b))) < 0
	})
	kept := make([]*T, 0, len(all))
	index := make(map[string]string, len(all))
	var dupes []string
	for i := range all {
		it := &all[i]
		if !keep(it) {
			continue
		}
		kept = append(kept, it)
		if _, dup := index[l.NameOf(it)]; dup {
			dupes = append(dupes, l.KeyOf(it))
			continue
		}
		index[l.NameOf(it)] = l.KeyOf(it)
	}
	if len(dupes) > 0 {
		diags.AddAttributeWarning(path.Root(l.Index), titled(l.Items)+" Share a "+titled(l.Name),
			fmt.Sprintf("%s keeps the first %s of each %s, by %s; these were left out of it (they are in %s): %s.",
				l.Index, l.Item, l.Name, l.Key, l.Items, strings.Join(dupes, ", ")))
	}
	return kept, index
}

// titled capitalises each word: "display name" → "Display Name".
func titled(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
