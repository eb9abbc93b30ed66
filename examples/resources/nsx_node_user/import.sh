# A local user by its user name (or its numeric user id). NSX never reveals a password: where
# the configuration sets password_wo, the plan after an import adds password_wo_version, and
# the next apply records it without sending the password unless old_password_wo is given.
terraform import nsx_node_user.audit audit
