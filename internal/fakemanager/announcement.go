package fakemanager

// Announcement is the first line cmd/fakemanager prints on stdout, as one JSON object: the CA
// file that signed every fake's certificate and, per manager, its URLs and credentials.
// Scripts, benchmarks, the demo and users' module tests read it; keys are only ever added.
type Announcement struct {
	CAFile   string                         `json:"ca_file"`
	Managers map[string]ManagerAnnouncement `json:"managers"`
}

// ManagerAnnouncement is one manager's entry of the Announcement.
type ManagerAnnouncement struct {
	URLs     []string `json:"urls"`
	Username string   `json:"username"`
	Password string   `json:"password"`
	// Illumio: the organization and the API key pair.
	OrgID          int64  `json:"org_id,omitempty"`
	APIKeyUsername string `json:"api_key_username,omitempty"`
	APIKeySecret   string `json:"api_key_secret,omitempty"`
}
