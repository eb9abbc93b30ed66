package nsxt

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Subnet is a segment subnet.
type Subnet struct {
	GatewayAddress string `json:"gateway_address"`
	Network        string `json:"network"`
}

// Segment is a policy segment as NSX answers it. A fixture's segments need only id (and,
// usually, display_name and type); fixSegment fills the rest as NSX would.
type Segment struct {
	Type              string   `json:"type"`
	Subnets           []Subnet `json:"subnets,omitempty"`
	ConnectivityPath  string   `json:"connectivity_path,omitempty"`
	TransportZonePath string   `json:"transport_zone_path"`
	AdminState        string   `json:"admin_state"`
	ReplicationMode   string   `json:"replication_mode,omitempty"`
	VlanIDs           []string `json:"vlan_ids,omitempty"`
	ResourceType      string   `json:"resource_type"`
	ID                string   `json:"id"`
	DisplayName       string   `json:"display_name"`
	Path              string   `json:"path"`
	RelativePath      string   `json:"relative_path"`
	ParentPath        string   `json:"parent_path"`
	UniqueID          string   `json:"unique_id"`
	MarkedForDelete   bool     `json:"marked_for_delete"`
	Overridden        bool     `json:"overridden"`
	CreateUser        string   `json:"_create_user"`
	SystemOwned       bool     `json:"_system_owned"`
	Protection        string   `json:"_protection"`
	Revision          int64    `json:"_revision"`
}

const (
	overlayTZ = "/infra/sites/default/enforcement-points/default/transport-zones/1b3a2f36-bfd1-443e-a0f6-4de01abc963e"
	vlanTZ    = "/infra/sites/default/enforcement-points/default/transport-zones/3c1b7e2a-8f0d-4a61-9b55-7d2e6a9c0f11"
)

// wellKnown names the first segments, so the demo shows a plausible network.
var wellKnown = []string{"web", "app", "db", "dmz", "mgmt", "backup"}

func makeSegments(n int) []Segment {
	out := make([]Segment, 0, n)
	for i := range n {
		name := fmt.Sprintf("segment-%04d", i+1)
		if i < len(wellKnown) {
			name = wellKnown[i]
		}
		s := Segment{
			ID: name, DisplayName: name, Path: "/infra/segments/" + name, RelativePath: name,
			ParentPath: "/infra", ResourceType: "Segment", AdminState: "UP",
			UniqueID: fmt.Sprintf("6573d2c9-f4f9-4b37-%04x-%012x", i%0x10000, i), CreateUser: "admin",
			Protection: "NOT_PROTECTED", TransportZonePath: overlayTZ, ReplicationMode: "MTEP",
		}
		third := (i / 250) % 256
		fourth := i % 250
		switch i % 4 {
		case 0, 1:
			s.Type = "ROUTED"
			s.ConnectivityPath = "/infra/tier-1s/t1-" + strconv.Itoa(i%3)
			s.Subnets = []Subnet{{GatewayAddress: fmt.Sprintf("10.%d.%d.1/24", third, fourth), Network: fmt.Sprintf("10.%d.%d.0/24", third, fourth)}}
		case 2:
			s.Type = "DISCONNECTED"
			s.TransportZonePath = vlanTZ
			s.ReplicationMode = ""
			s.VlanIDs = []string{strconv.Itoa(100 + i%3900)}
		case 3:
			s.Type = "EXTENDED"
			s.AdminState = "DOWN"
		}
		out = append(out, s)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].DisplayName < out[b].DisplayName })
	return out
}

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("0000" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "0000") {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[4:]))
	return n, err == nil && n >= 0
}

func (f *Fake) listSegments(w http.ResponseWriter, r *http.Request) {
	pageSize, offset, ok := pageOf(w, r.URL.Query(), decodeCursor)
	if !ok {
		return
	}
	f.mu.Lock()
	all := f.segments
	f.mu.Unlock()
	if offset > len(all) {
		offset = len(all)
	}
	end := min(offset+pageSize, len(all))
	body := map[string]any{
		"results":        all[offset:end],
		"sort_by":        "display_name",
		"sort_ascending": true,
	}
	if offset == 0 {
		body["result_count"] = len(all)
	}
	if end < len(all) {
		body["cursor"] = encodeCursor(end)
	}
	f.stats.Add("segment_pages", 1)
	writeJSON(w, http.StatusOK, body)
}

// getSegment answers one segment by id, or NSX's 404 for a path that names none.
func (f *Fake) getSegment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.segments {
		if f.segments[i].ID == id {
			f.stats.Add("segment_reads", 1)
			writeJSON(w, http.StatusOK, f.segments[i])
			return
		}
	}
	apiError(w, http.StatusNotFound, errCodeNotFound, "The path=[/infra/segments/"+id+"] is invalid.")
}

// pageOf reads a listing's page request as NSX's list APIs take it: page_size (0 to 1000,
// 0 or absent: 1000) and the offset the cursor stands for (decoded by decode); either one
// NSX would refuse is answered with its 400 here, and ok is false.
func pageOf(w http.ResponseWriter, q url.Values, decode func(string) (int, bool)) (size, offset int, ok bool) {
	size = maxPageSize
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxPageSize {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, fmt.Sprintf("Field page_size has value %s outside the range 0 to %d.", v, maxPageSize))
			return 0, 0, false
		}
		if n > 0 {
			size = n
		}
	}
	if c := q.Get("cursor"); c != "" {
		if offset, ok = decode(c); !ok {
			apiError(w, http.StatusBadRequest, errCodeBadRequest, "Invalid cursor "+c+".")
			return 0, 0, false
		}
	}
	return size, offset, true
}

// offsetCursor decodes the cursor of the listings whose cursor is the offset itself (the
// search API, the policy tree's collections, role bindings).
func offsetCursor(c string) (int, bool) {
	n, err := strconv.Atoi(c)
	return n, err == nil && n >= 0
}

// fixSegment completes a fixture's segment with what NSX derives from its id.
func fixSegment(s Segment, i int) Segment {
	if s.DisplayName == "" {
		s.DisplayName = s.ID
	}
	if s.Path == "" {
		s.Path = "/infra/segments/" + s.ID
	}
	if s.RelativePath == "" {
		s.RelativePath = s.ID
	}
	if s.ParentPath == "" {
		s.ParentPath = "/infra"
	}
	if s.ResourceType == "" {
		s.ResourceType = "Segment"
	}
	if s.Type == "" {
		s.Type = "DISCONNECTED"
	}
	if s.AdminState == "" {
		s.AdminState = "UP"
	}
	if s.TransportZonePath == "" {
		s.TransportZonePath = overlayTZ
	}
	if s.UniqueID == "" {
		s.UniqueID = fmt.Sprintf("f1c5e2d0-0000-4000-8000-%012x", i)
	}
	if s.Protection == "" {
		s.Protection = "NOT_PROTECTED"
	}
	return s
}
