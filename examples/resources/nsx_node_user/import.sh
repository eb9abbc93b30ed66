# A local user by its user name (or its numeric user id).
terraform import nsx_node_user.audit audit
