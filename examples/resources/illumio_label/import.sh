# Import by href, or by id in the configured (or only) organization.
terraform import illumio_label.prod /orgs/1/labels/42
terraform import illumio_label.prod 42
